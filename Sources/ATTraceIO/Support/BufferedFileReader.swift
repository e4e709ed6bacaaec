#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sequential reads of a file descriptor through one reusable buffer, for scanning a
/// capture before appending to it (formats.md §3.6) without a system call per record.
final class BufferedFileReader {
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    /// Unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var reachedEndOfFile = false

    /// - Parameter capacity: the largest `count` that ``read(count:)`` will be asked for.
    init(descriptor: Int32, capacity: Int) {
        self.descriptor = descriptor
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// The next `count` bytes, valid until the next call; `nil` when the file ends first.
    func read(count: Int) throws(SystemCallError) -> UnsafeRawBufferPointer? {
        precondition(count <= buffer.count, "read larger than the buffer")
        if end - start < count {
            try refill(toHold: count)
            guard end - start >= count else { return nil }
        }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)])
        start += count
        return bytes
    }

    private func refill(toHold count: Int) throws(SystemCallError) {
        if start > 0 {
            let unread = end - start
            if unread > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: unread)
            }
            start = 0
            end = unread
        }
        while end < count && !reachedEndOfFile {
            let got = SystemCalls.readBytes(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(errorNumber: errno)
            }
            if got == 0 {
                reachedEndOfFile = true
            }
            end += got
        }
    }
}
