/// Remembers recently seen short lines, each with a value derived from it, so that a line
/// that recurs (`OK`, `SEND OK`, `+QSSLRECV: 1500`, a polled command line) shares one array
/// of bytes and one derivation instead of allocating and deriving again (product.md §5:
/// the decoder's cost is mostly allocation, and most traffic repeats).
///
/// A direct-mapped table: a line goes to one slot by its hash and replaces whatever was
/// there, so memory is bounded and a lookup is one hash and one comparison. Sharing is
/// invisible to users: arrays are values.
struct LineCache<Value> {
    static var slotCount: Int { 1024 }
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
        let slot = Int(truncatingIfNeeded: Self.hash(line)) & (Self.slotCount - 1)
        if let cached = slots[slot], cached.bytes.count == line.count,
           cached.bytes.withUnsafeBytes({ Self.equal($0, line) }) {
            return cached
        }
        let bytes = Array(line)
        let entry = Entry(bytes: bytes, value: derive(bytes))
        slots[slot] = entry
        return entry
    }
}

extension LineCache {
    /// FNV-1a's scheme over eight bytes at a time, folded (``FNV1a64`` goes byte by byte): a
    /// lookup must cost far less than the allocation it saves.
    static func hash(_ line: UnsafeRawBufferPointer) -> UInt64 {
        var hash = FNV1a64.offsetBasis
        var offset = 0
        while offset + 8 <= line.count {
            hash = (hash ^ line.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* FNV1a64.prime
            hash ^= hash >> 29
            offset += 8
        }
        var tail = UInt64(line.count) << 56
        var shift: UInt64 = 0
        while offset < line.count {
            tail |= UInt64(line[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* FNV1a64.prime
        return hash ^ (hash >> 32)
    }

    /// Byte equality of two buffers of the same length, eight bytes at a time.
    static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var offset = 0
        while offset + 8 <= lhs.count {
            if lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        while offset < lhs.count {
            if lhs[offset] != rhs[offset] { return false }
            offset += 1
        }
        return true
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
