#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A joinable POSIX thread running one closure: the tap's writer and live view, the
/// decoding pipeline's reader and decoder, tests' fake modems.
///
/// A dedicated thread rather than a task (capture.md §5.1): the work blocks on file reads,
/// full queues and terminals, which must not occupy the concurrency runtime's few
/// cooperative threads, and a blocked disk write must never delay the tap's forwarding.
public final class WorkerThread: @unchecked Sendable {
    // Written by `init` before any other thread can see the object, then read by `join`.
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

    /// Starts `body` on a new thread.
    public init(_ body: @escaping @Sendable () -> Void) throws(TapError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            #if canImport(Darwin)
            let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
            #else
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            #endif
            body.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw .system(what: "a thread", reason: SystemCalls.describe(errorNumber: status))
        }
    }

    /// Starts `body` on a new thread where there is no way to go on without one (the
    /// decoding pipeline): a failure to create it stops the program with its reason.
    public static func start(_ body: @escaping @Sendable () -> Void) -> WorkerThread {
        do {
            return try WorkerThread(body)
        } catch {
            fatalError("cannot start \(error)")
        }
    }

    /// Waits until the body has returned (once).
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
