import ATTraceCore
import ATTraceIO
import ATTraceSimulation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens an input by content: pcap and pcapng through libpcap, attrace trace scripts
/// (`.trace`), and the text-log dialects of spec/log-dialects.md. Anything unreadable or
/// unrecognised is a one-line `CommandFailure` (exit code 2).
enum InputOpener {
    static func openSource(_ path: String, dialect: String?) throws -> RecordSource {
        if dialect == "attrace-script" || (dialect == nil && path.hasSuffix(".trace")) {
            return try openScript(path)
        }
        if let dialect, dialect != "pcap" {
            throw CommandFailure("unknown dialect '\(dialect)'; known: pcap, attrace-script")
        }
        do {
            return try CaptureReader(path: path)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    private static func openScript(_ path: String) throws -> RecordSource {
        let text = try readText(path)
        do {
            let script = try TraceScript.parse(text, name: path)
            return RecordListSource(name: path, records: script.records)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    static func readText(_ path: String) throws -> String {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: block[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
