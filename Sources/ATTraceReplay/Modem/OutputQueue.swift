import ATTraceCore

/// Module bytes waiting for their time, in the order they must go out: due times never
/// decrease along the queue, so the recording's byte order is kept whatever the delays.
struct OutputQueue: Hashable, Sendable {
    struct Item: Hashable, Sendable {
        var due: Timestamp
        var bytes: [UInt8]
        var modeAfter: ChannelMode?
    }

    private var items: [Item] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var firstDue: Timestamp? { isEmpty ? nil : items[head].due }

    /// Appends bytes due at `due`, or later if something queued before is due later.
    mutating func schedule(_ bytes: [UInt8], at due: Timestamp, modeAfter: ChannelMode? = nil) {
        guard !bytes.isEmpty || modeAfter != nil else { return }
        // Consumed items are removed, so `last` is still waiting.
        items.append(Item(due: items.last.map { max($0.due, due) } ?? due, bytes: bytes, modeAfter: modeAfter))
    }

    mutating func removeFirst() -> Item {
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return item
    }

    /// Makes everything queued due no later than `time` (the host began its next unit).
    mutating func hurry(to time: Timestamp) {
        for index in head..<items.count where items[index].due > time {
            items[index].due = time
        }
    }
}
