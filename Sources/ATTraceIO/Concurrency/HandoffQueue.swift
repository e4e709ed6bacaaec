#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded queue between one producing and one consuming thread.
///
/// The producer blocks while the queue is full, so memory stays bounded however fast it
/// runs (product.md §5: constant memory); the consumer blocks while it is empty. Either
/// side can stop the other: the producer with ``close()`` when it is done, the consumer
/// with ``cancel()`` when it gives up, after which ``send(_:)`` returns `false`.
public final class HandoffQueue<Element: Sendable>: @unchecked Sendable {
    // Every stored property below is guarded by `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private var isClosed = false
    private var isCancelled = false

    public init(capacity: Int) {
        precondition(capacity > 0, "a handoff queue needs room for one element")
        self.capacity = capacity
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        changed = .allocate(capacity: 1)
        changed.initialize(to: pthread_cond_t())
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Appends `element`, waiting while the queue is full. `false` when the consumer
    /// cancelled: the producer should stop.
    @discardableResult
    public func send(_ element: Element) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while items.count - head >= capacity && !isCancelled {
            pthread_cond_wait(changed, mutex)
        }
        guard !isCancelled else { return false }
        items.append(element)
        pthread_cond_broadcast(changed)
        return true
    }

    /// The next element, waiting while the queue is empty; `nil` once it is closed and
    /// drained.
    public func receive() -> Element? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == items.count && !isClosed {
            pthread_cond_wait(changed, mutex)
        }
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        pthread_cond_broadcast(changed)
        return element
    }

    /// The producer has sent everything.
    public func close() {
        pthread_mutex_lock(mutex)
        isClosed = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// The consumer stops: a waiting or later ``send(_:)`` returns `false`.
    public func cancel() {
        pthread_mutex_lock(mutex)
        isCancelled = true
        items.removeAll()
        head = 0
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }
}
