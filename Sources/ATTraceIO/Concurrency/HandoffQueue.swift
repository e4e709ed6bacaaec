/// A bounded queue between one producing and one consuming thread (the decoding pipeline).
///
/// The producer blocks while the queue is full, so memory stays bounded however fast it
/// runs (product.md §5: constant memory); the consumer blocks while it is empty. Either
/// side can stop the other: the producer with ``close()`` when it is done, the consumer
/// with ``cancel()`` when it gives up, after which ``send(_:)`` returns `false`. An
/// element is let go as soon as it is received, so nothing handed out stays alive here.
public final class HandoffQueue<Element: Sendable>: @unchecked Sendable {
    // Every stored property below is guarded by `lock`.
    private let lock = ConditionLock()
    /// A ring of `capacity` slots; `count` of them, from `head`, hold elements.
    private var slots: [Element?]
    private var head = 0
    private var count = 0
    private var isClosed = false
    private var isCancelled = false

    public init(capacity: Int) {
        precondition(capacity > 0, "a handoff queue needs room for one element")
        slots = Array(repeating: nil, count: capacity)
    }

    /// Appends `element`, waiting while the queue is full. `false` when the consumer
    /// cancelled: the producer should stop.
    @discardableResult
    public func send(_ element: consuming Element) -> Bool {
        // Moved in, never copied: a receiver may rely on holding the only reference to what
        // it receives (and a copy left with the sender would be released on its thread).
        var element: Element? = consume element
        return lock.withLock {
            while count == slots.count && !isCancelled { lock.wait() }
            return enqueueLocked(&element)
        }
    }

    /// The next element, waiting while the queue is empty; `nil` once it is closed and
    /// drained.
    public func receive() -> Element? {
        lock.withLock {
            while count == 0 && !isClosed { lock.wait() }
            return dequeueLocked()
        }
    }

    /// Appends `element` if there is room, without waiting; `false` when the queue is full
    /// or cancelled (the element is then let go by the caller).
    @discardableResult
    public func trySend(_ element: consuming Element) -> Bool {
        var element: Element? = consume element
        return lock.withLock { count < slots.count && enqueueLocked(&element) }
    }

    /// The next element if one is queued, without waiting.
    public func tryReceive() -> Element? {
        lock.withLock { dequeueLocked() }
    }

    /// Stores `element` unless the consumer cancelled; the lock is held and there is room.
    private func enqueueLocked(_ element: inout Element?) -> Bool {
        guard !isCancelled else { return false }
        slots[(head + count) % slots.count] = element.take()
        count += 1
        lock.broadcast()
        return true
    }

    /// Takes the oldest element, if any; the lock is held.
    private func dequeueLocked() -> Element? {
        guard count > 0 else { return nil }
        let element = slots[head].take()
        head = (head + 1) % slots.count
        count -= 1
        lock.broadcast()
        return element
    }

    /// The producer has sent everything.
    public func close() {
        lock.withLock {
            isClosed = true
            lock.broadcast()
        }
    }

    /// The consumer stops: a waiting or later ``send(_:)`` returns `false`, and what is
    /// queued is let go.
    public func cancel() {
        lock.withLock {
            isCancelled = true
            for index in slots.indices { slots[index] = nil }
            count = 0
            lock.broadcast()
        }
    }
}
