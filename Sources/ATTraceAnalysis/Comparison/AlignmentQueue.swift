/// One side's elements waiting to be aligned (Docs/Diff.md "Alignment"): a FIFO whose
/// slots can also be taken out of order, when a later element is paired as a reorder.
struct AlignmentQueue<Element: Sendable>: Sendable {
    struct Slot: Sendable {
        var element: Element
        var key: AlignmentKey
        var size: Int
    }

    private var slots: [Slot?] = []
    private var head = 0
    /// Elements still queued (taken slots excluded), and the sum of their sizes.
    private(set) var count = 0
    private(set) var queuedBytes = 0
    /// The input of this side has ended.
    var isFinished = false

    mutating func append(_ slot: Slot) {
        slots.append(slot)
        count += 1
        queuedBytes += slot.size
    }

    /// The first queued slot.
    var first: Slot? {
        var index = head
        while index < slots.count {
            if let slot = slots[index] { return slot }
            index += 1
        }
        return nil
    }

    /// Removes and returns the first queued element.
    mutating func removeFirst() -> Slot? {
        while head < slots.count {
            let slot = slots[head]
            slots[head] = nil
            head += 1
            if let slot {
                count -= 1
                queuedBytes -= slot.size
                compactIfNeeded()
                return slot
            }
        }
        return nil
    }

    /// The alignment window (Docs/Diff.md): the positions of the first queued slots, up to
    /// `limit` of them or until their sizes reach `byteLimit`. `isComplete` says whether the
    /// window has its final extent, whatever input is still to come: it is full, or this
    /// side has ended; `holdsRest` that it is not full and nothing follows it.
    func window(limit: Int, byteLimit: Int) -> (positions: [Int], isComplete: Bool, holdsRest: Bool) {
        var positions: [Int] = []
        positions.reserveCapacity(Swift.min(limit, count))
        var bytes = 0
        var index = head
        while index < slots.count && positions.count < limit && bytes < byteLimit {
            if let slot = slots[index] {
                positions.append(index)
                bytes += slot.size
            }
            index += 1
        }
        // A full window is treated the same whether or not the side has ended, so that the
        // decisions do not depend on how far the caller has read (Docs/Diff.md).
        let isFull = positions.count == limit || bytes >= byteLimit
        let holdsRest = !isFull && isFinished && positions.count == count
        return (positions, isFull || holdsRest, holdsRest)
    }

    /// A cheap test before ``window(limit:byteLimit:)``: `false` when the window cannot be
    /// complete yet.
    func mayHaveCompleteWindow(limit: Int, byteLimit: Int) -> Bool {
        count >= limit || queuedBytes >= byteLimit || isFinished
    }

    func slot(at position: Int) -> Slot {
        slots[position]!
    }

    /// Takes the slot at `position` out of the queue (a reordered partner, or an element
    /// the current block committed).
    mutating func take(at position: Int) -> Slot {
        let slot = slots[position]!
        slots[position] = nil
        count -= 1
        queuedBytes -= slot.size
        return slot
    }

    /// Skips taken slots at the head and reclaims the space before it now and then.
    private mutating func compactIfNeeded() {
        while head < slots.count && slots[head] == nil { head += 1 }
        if head >= 1024 && head * 2 >= slots.count {
            slots.removeFirst(head)
            head = 0
        }
    }

    /// Called after out-of-order takes: the head may now point at a taken slot.
    mutating func normalize() {
        compactIfNeeded()
    }
}
