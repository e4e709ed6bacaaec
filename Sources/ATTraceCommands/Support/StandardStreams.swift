#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to the standard streams; output goes through `ByteWriter` blocks.
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, pointer, count)
}

enum StandardStreams {
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    static func writeOutput(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeBytes { write(STDOUT_FILENO, $0) }
        bytes.removeAll()
    }

    static func writeError(_ text: String) {
        Array(text.utf8).withUnsafeBytes { write(STDERR_FILENO, $0) }
    }

    static func flushOutput() {}

    /// Ends the process with `code` (output is written unbuffered, nothing to flush).
    static func terminate(_ code: Int32) -> Never {
        exit(code)
    }

    static var isOutputTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var isErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A writer that sends its blocks to stdout.
    static func outputWriter() -> ByteWriter {
        ByteWriter { write(STDOUT_FILENO, $0) }
    }

    /// Colors are used on a terminal unless NO_COLOR is set or TERM is "dumb".
    static var colorIsUseful: Bool {
        guard isOutputTerminal else { return false }
        if getenv("NO_COLOR") != nil { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }
}
