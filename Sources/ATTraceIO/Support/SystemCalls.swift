#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the capture reader and writer need (product.md §1 crash safety),
/// wrapped so that platform differences and `errno` handling live in one place.
enum SystemCalls {
    /// The text of an `errno` value, such as `No such file or directory`.
    static func describe(errorNumber: Int32) -> String {
        guard let text = strerror(errorNumber) else { return "error \(errorNumber)" }
        return String(cString: text)
    }

    /// The text of the current `errno`.
    static var lastErrorDescription: String {
        describe(errorNumber: errno)
    }

    /// A stdio stream on a duplicate of `descriptor`.
    ///
    /// libpcap closes the stream it is given; reading or writing through a duplicate
    /// leaves the caller's descriptor (standard input or output included) open.
    static func duplicateStream(of descriptor: Int32, mode: String) -> Result<UnsafeMutablePointer<FILE>, SystemCallError> {
        let copy = dup(descriptor)
        guard copy >= 0 else { return .failure(SystemCallError(errorNumber: errno)) }
        guard let stream = fdopen(copy, mode) else {
            let failure = SystemCallError(errorNumber: errno)
            _ = close(copy)
            return .failure(failure)
        }
        return .success(stream)
    }

    /// Whether `descriptor` is a regular file (only those can be synced or truncated).
    static func isRegularFile(_ descriptor: Int32) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `descriptor` is a directory (`fopen` accepts one for reading on Linux).
    static func isDirectory(_ descriptor: Int32) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes the file's data to stable storage; metadata only as far as needed to read it.
    static func synchronizeData(_ descriptor: Int32) -> SystemCallError? {
        #if canImport(Darwin)
        let result = fsync(descriptor)
        #else
        let result = fdatasync(descriptor)
        #endif
        return result == 0 ? nil : SystemCallError(errorNumber: errno)
    }

    /// Makes a newly created file's directory entry durable (formats.md §0, crash safety 1).
    static func synchronizeDirectory(containing path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        // A directory that cannot be synced (some file systems refuse) still holds the
        // file; the record data is what the policy promises to keep.
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    /// `close(2)` under a name that the `close()` methods of the reader and writer do not shadow.
    @discardableResult
    static func closeDescriptor(_ descriptor: Int32) -> Int32 {
        close(descriptor)
    }

    /// `read(2)` under a name that ``BufferedFileReader/read(count:)`` does not shadow.
    static func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        read(descriptor, buffer, count)
    }

    /// Nanoseconds of a clock that never jumps, for the sync interval.
    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec)
    }

    /// A NUL-terminated C buffer (libpcap's `errbuf`) as a `String`.
    static func string(fromErrorBuffer buffer: [CChar]) -> String {
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
