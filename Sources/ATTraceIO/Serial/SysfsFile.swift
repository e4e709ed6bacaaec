#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small text files of sysfs and procfs (adapter identity, FTDI latency timer).
enum SysfsFile {
    /// The file's first line without its line end, or `nil` when it cannot be read.
    static func read(_ path: String) -> String? {
        let descriptor = SystemCalls.openFile(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { SystemCalls.closeDescriptor(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { SystemCalls.readBytes(descriptor, $0.baseAddress!, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }

    /// Writes `text` to the file; `false` when it cannot (no such file, not root).
    static func write(_ path: String, _ text: String) -> Bool {
        let descriptor = SystemCalls.openFile(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { SystemCalls.closeDescriptor(descriptor) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { SystemCalls.writeBytes(descriptor, $0.baseAddress!, $0.count) } == bytes.count
    }
}
