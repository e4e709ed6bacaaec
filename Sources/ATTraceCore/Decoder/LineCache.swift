/// Remembers recently seen short lines, each with a value derived from it, so that a line
/// that recurs (`OK`, `SEND OK`, `+QSSLRECV: 1500`, a polled command line) shares one array
/// of bytes and one derivation instead of allocating and deriving again (product.md §5:
/// the decoder's cost is mostly allocation, and most traffic repeats).
///
/// Two-way set-associative: a line goes to one set of two slots by its hash; a line found in
/// the second slot moves to the first, and a new line takes the first slot and pushes the
/// first slot's line to the second. A line used once (`AT+QSSLSEND=4,345`) therefore evicts
/// a recurring line only when two such lines fall into its set before it recurs. Memory is
/// bounded and a lookup is one hash and at most two comparisons. Sharing is invisible to
/// users: arrays are values.
struct LineCache<Value> {
    static var setCount: Int { 2048 }
    static var slotCount: Int { 2 * setCount }
    /// Longer lines are rarely repeated exactly; they are not cached.
    static var maximumLength: Int { 96 }

    /// Set `n` is slots `2n` (most recently used) and `2n + 1`.
    private var slots: [Entry?]

    struct Entry {
        var bytes: [UInt8]
        var value: Value
    }

    init() {
        slots = Array(repeating: nil, count: Self.slotCount)
    }

    /// The bytes of `line` as an array and the value `derive` gives for them: the cached
    /// ones when the same line is still in its set.
    mutating func entry(for line: UnsafeRawBufferPointer, derive: ([UInt8]) -> Value) -> Entry {
        guard !line.isEmpty, line.count <= Self.maximumLength else {
            let bytes = Array(line)
            return Entry(bytes: bytes, value: derive(bytes))
        }
        let first = 2 * (Int(truncatingIfNeeded: Self.hash(line)) & (Self.setCount - 1))
        if let cached = slots[first], Self.holds(cached, line) {
            return cached
        }
        if let cached = slots[first + 1], Self.holds(cached, line) {
            slots.swapAt(first, first + 1)
            return cached
        }
        let bytes = Array(line)
        let entry = Entry(bytes: bytes, value: derive(bytes))
        slots.swapAt(first, first + 1)
        slots[first] = entry
        return entry
    }

    @inline(__always)
    private static func holds(_ entry: Entry, _ line: UnsafeRawBufferPointer) -> Bool {
        entry.bytes.count == line.count && entry.bytes.withUnsafeBytes { equal($0, line) }
    }
}

extension LineCache {
    static func hash(_ line: UnsafeRawBufferPointer) -> UInt64 {
        FNV1a64.wordHash(line)
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

extension LineCache: Sendable where Value: Sendable {}
extension LineCache.Entry: Sendable where Value: Sendable {}
