#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain POSIX thread running one closure, joined by its owner.
///
/// Used to put the reader and the decoder on a core of their own while the caller consumes
/// their output (``HandoffQueue``). A dedicated thread rather than a task: the work blocks
/// on file reads and on a full queue, which must not occupy the concurrency runtime's
/// few cooperative threads.
public final class WorkerThread: @unchecked Sendable {
    // Written once by `start` before any other thread can see the object, read by `join`.
    #if canImport(Darwin)
    private var thread: pthread_t?
    #else
    private var thread = pthread_t()
    #endif
    private var isJoined = false

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private init() {}

    /// Starts `body` on a new thread.
    public static func start(_ body: @escaping @Sendable () -> Void) -> WorkerThread {
        let worker = WorkerThread()
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(&worker.thread, nil, { context in
            #if canImport(Darwin)
            let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
            #else
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            #endif
            body.run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(SystemCalls.describe(errorNumber: status))")
        return worker
    }

    /// Waits until the body has returned.
    public func join() {
        guard !isJoined else { return }
        isJoined = true
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
    }
}
