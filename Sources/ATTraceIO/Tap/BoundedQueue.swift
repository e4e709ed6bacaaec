/// A first-in first-out queue between two threads whose contents are capped by a cost
/// (bytes), never by blocking the producer (capture.md §5.1: the I/O thread must never
/// wait for the writer). A full queue refuses; the producer decides what a refusal means.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    public enum Next {
        case element(Element)
        case timedOut
        case finished
    }

    private let lock = ConditionLock()
    private var elements: [(element: Element, cost: Int)] = []
    private var head = 0
    private var totalCost = 0
    private var isClosed = false
    /// Whether the consumer sleeps in ``next(timeoutNanoseconds:)``: only then does a new
    /// element need a wake-up (one futex call saved per record on the tap's hot path).
    private var consumerWaiting = false
    public let costLimit: Int

    public init(costLimit: Int) {
        self.costLimit = costLimit
    }

    /// Appends unless that would pass the cost limit (an empty queue always takes one).
    public func offer(_ element: Element, cost: Int) -> Bool {
        let (accepted, wake) = lock.withLock { () -> (Bool, Bool) in
            guard !isClosed else { return (false, false) }
            guard totalCost + cost <= costLimit || totalCost == 0 else { return (false, false) }
            elements.append((element, cost))
            totalCost += cost
            return (true, consumerWaiting)
        }
        if wake { lock.broadcast() }
        return accepted
    }

    /// The oldest element; waits at most `timeoutNanoseconds` for one. After ``close()``,
    /// the remaining elements come first, then `.finished`.
    public func next(timeoutNanoseconds: Int64) -> Next {
        lock.withLock {
            if head == elements.count && !isClosed {
                consumerWaiting = true
                lock.wait(timeoutNanoseconds: timeoutNanoseconds)
                consumerWaiting = false
            }
            guard head < elements.count else { return isClosed ? .finished : .timedOut }
            let (element, cost) = elements[head]
            head += 1
            totalCost -= cost
            if head == elements.count {
                elements.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= elements.count {
                elements.removeFirst(head)
                head = 0
            }
            return .element(element)
        }
    }

    /// No more elements will be offered; the consumer drains what is left.
    public func close() {
        lock.withLock { isClosed = true }
        lock.broadcast()
    }

    /// The cost of what is queued now.
    public var queuedCost: Int {
        lock.withLock { totalCost }
    }
}
