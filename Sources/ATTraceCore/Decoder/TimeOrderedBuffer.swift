/// Holds decoded records until no earlier record can still appear, then releases them in
/// time order (a transaction sorts by its start). Streaming output is in completion order
/// (product.md §2.1); a human reading a timeline wants time order, which this restores with
/// bounded memory.
public struct TimeOrderedBuffer: Sendable {
    private var items: [(key: Timestamp, sequence: Int, record: DecodedRecord)] = []
    private var sequence = 0
    private var lastKey = Timestamp(nanoseconds: .min)
    /// Above this many held records the oldest are released even if order is not certain.
    public var capacity: Int

    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    public var isEmpty: Bool { items.isEmpty }

    public mutating func insert(_ record: DecodedRecord) {
        let key = record.time ?? lastKey
        lastKey = key
        sequence += 1
        // Records mostly arrive in order: insert from the back.
        var index = items.count
        while index > 0, (items[index - 1].key, items[index - 1].sequence) > (key, sequence) { index -= 1 }
        items.insert((key, sequence, record), at: index)
    }

    /// Releases the records that sort before `watermark` (all of them when it is `nil`),
    /// and the oldest ones beyond ``capacity``.
    public mutating func release(before watermark: Timestamp?, _ body: (DecodedRecord) throws -> Void) rethrows {
        var count = 0
        while count < items.count {
            if let watermark, items[count].key >= watermark, items.count - count <= capacity { break }
            count += 1
        }
        guard count > 0 else { return }
        for index in 0..<count { try body(items[index].record) }
        items.removeFirst(count)
    }
}
