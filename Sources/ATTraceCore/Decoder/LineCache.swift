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

    /// Set `n` is slots `2n` (most recently used) and `2n + 1`; an empty line is an empty
    /// slot. Lines and values are kept apart so that a lookup compares the line in place,
    /// without copying (retaining) an entry it may not return.
    private var lines: [[UInt8]]
    private var values: [Value?]

    struct Entry {
        var bytes: [UInt8]
        var value: Value
    }

    init() {
        lines = Array(repeating: [], count: Self.slotCount)
        values = Array(repeating: nil, count: Self.slotCount)
    }

    /// The line at `range` of `queue` as an array and the value `derive` gives for it: the
    /// cached ones when the same line is still in its set, else derived and kept. `derive`
    /// gets what it needs as `context`, so that it captures nothing: a capturing closure
    /// would retain what it captures on every lookup, and lookups are per line.
    mutating func entry<Context>(for range: Range<Int>, of queue: ByteQueue, context: Context,
                                 derive: ([UInt8], Context) -> Value) -> Entry {
        if let cached = queue.withUnsafeBytes(range, { cachedEntry(for: $0) }) { return cached }
        let bytes = queue.array(range)
        let value = derive(bytes, context)
        remember(bytes, value)
        return Entry(bytes: bytes, value: value)
    }

    /// The cached bytes and value of `line`, if it is still in its set (it becomes the most
    /// recently used of the two).
    mutating func cachedEntry(for line: UnsafeRawBufferPointer) -> Entry? {
        guard !line.isEmpty, line.count <= Self.maximumLength else { return nil }
        let first = Self.firstSlot(of: line)
        if !holds(first, line) {
            guard holds(first + 1, line) else { return nil }
            swapSlots(first)
        }
        return Entry(bytes: lines[first], value: values[first].unsafelyUnwrapped)
    }

    /// Keeps `line` and its value as the most recently used of its set (a line too long to
    /// keep is not kept).
    mutating func remember(_ line: [UInt8], _ value: Value) {
        guard !line.isEmpty, line.count <= Self.maximumLength else { return }
        let first = line.withUnsafeBytes { Self.firstSlot(of: $0) }
        swapSlots(first)
        values[first] = value
        lines[first] = line
    }

    private static func firstSlot(of line: UnsafeRawBufferPointer) -> Int {
        2 * (Int(truncatingIfNeeded: hash(line)) & (setCount - 1))
    }

    /// Swaps the two slots of a set by moving them (no retain).
    private mutating func swapSlots(_ first: Int) {
        lines.withUnsafeMutableBufferPointer { $0.swapAt(first, first + 1) }
        values.withUnsafeMutableBufferPointer { $0.swapAt(first, first + 1) }
    }

    @inline(__always)
    private func holds(_ slot: Int, _ line: UnsafeRawBufferPointer) -> Bool {
        lines[slot].count == line.count && lines[slot].withUnsafeBytes { Self.equal($0, line) }
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
