/// Remembers recently seen short lines, each with a value derived from it, so that a line
/// that recurs (`OK`, `SEND OK`, `+QSSLRECV: 1500`, a polled command line) shares one array
/// of bytes and one derivation instead of allocating and deriving again (product.md §5:
/// the decoder's cost is mostly allocation, and most traffic repeats).
///
/// A direct-mapped table: a line goes to one slot by its hash and replaces whatever was
/// there, so memory is bounded and a lookup is one hash and one comparison. Sharing is
/// invisible to users: arrays are values.
struct LineCache<Value> {
    static var slotCount: Int { 256 }
    /// Longer lines are rarely repeated exactly; they are not cached.
    static var maximumLength: Int { 96 }

    private var slots: [Entry?]

    struct Entry {
        var bytes: [UInt8]
        var value: Value
    }

    init() {
        slots = Array(repeating: nil, count: Self.slotCount)
    }

    /// The bytes of `line` as an array and the value `derive` gives for them: the cached
    /// ones when the same line was seen last in its slot.
    mutating func entry(for line: UnsafeRawBufferPointer, derive: ([UInt8]) -> Value) -> Entry {
        guard !line.isEmpty, line.count <= Self.maximumLength else {
            let bytes = Array(line)
            return Entry(bytes: bytes, value: derive(bytes))
        }
        // FNV-1a, folded: cheap on short lines and spreads the lines of one dialect.
        var hash: UInt32 = 2_166_136_261
        for byte in line { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let slot = Int(truncatingIfNeeded: hash ^ (hash >> 16)) & (Self.slotCount - 1)
        if let cached = slots[slot], cached.bytes.count == line.count,
           cached.bytes.withUnsafeBytes({ $0.elementsEqual(line) }) {
            return cached
        }
        let bytes = Array(line)
        let entry = Entry(bytes: bytes, value: derive(bytes))
        slots[slot] = entry
        return entry
    }
}

extension LineCache where Value == Void {
    /// The bytes of `line`, shared with an earlier equal line when there was one.
    mutating func bytes(_ line: UnsafeRawBufferPointer) -> [UInt8] {
        entry(for: line) { _ in () }.bytes
    }
}

extension LineCache: Sendable where Value: Sendable {}
extension LineCache.Entry: Sendable where Value: Sendable {}
