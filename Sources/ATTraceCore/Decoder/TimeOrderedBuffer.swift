/// Holds decoded records until no earlier record can still appear, then releases them in
/// time order (a transaction sorts by its start). Streaming output is in completion order
/// (product.md §2.1); a human reading a timeline wants time order, which this restores with
/// bounded memory.
public struct TimeOrderedBuffer: Sendable {
    private var items: [(key: Timestamp, sequence: Int, record: DecodedRecord)] = []
    /// Items before this index were released; they are dropped in bulk (`removeFirst` per
    /// release would shift every held record each time).
    private var head = 0
    private var sequence = 0
    private var lastKey = Timestamp(nanoseconds: .min)
    /// Above this many held records the oldest are released even if order is not certain.
    public var capacity: Int

    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    public var isEmpty: Bool { head == items.count }

    public mutating func insert(_ record: DecodedRecord) {
        let key = record.time ?? lastKey
        lastKey = key
        sequence += 1
        // Records mostly arrive in order: insert from the back.
        var index = items.count
        while index > head, (items[index - 1].key, items[index - 1].sequence) > (key, sequence) { index -= 1 }
        if index == items.count {
            items.append((key, sequence, record))
        } else {
            items.insert((key, sequence, record), at: index)
        }
    }

    /// Releases the records that sort before `watermark` (all of them when it is `nil`),
    /// and the oldest ones beyond ``capacity``.
    public mutating func release(before watermark: Timestamp?, _ body: (DecodedRecord) throws -> Void) rethrows {
        var end = head
        while end < items.count {
            if let watermark, items[end].key >= watermark, items.count - end <= capacity { break }
            end += 1
        }
        guard end > head else { return }
        for index in head..<end { try body(items[index].record) }
        head = end
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
