#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls of the capture tap, under names that the tap's own `read`, `write`,
/// `open` and `close` methods do not shadow.
extension SystemCalls {
    static func openFile(_ path: String, _ flags: Int32) -> Int32 {
        open(path, flags)
    }

    static func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        write(descriptor, buffer, count)
    }

    /// `poll(2)`; returns the number of ready descriptors, or -1 (EINTR included).
    static func pollDescriptors(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32) -> Int32 {
        descriptors.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
        }
    }

    /// `CLOCK_REALTIME` in nanoseconds: the time a capture record carries.
    static func realtimeNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec)
    }

    /// A non-blocking, close-on-exec pipe (read end, write end).
    static func makePipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        return (ends[0], ends[1])
    }
}
