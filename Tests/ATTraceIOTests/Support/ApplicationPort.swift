import ATTraceIO
import Foundation

/// The application side of a proxy test: opens the link the way a program opens a serial
/// port (raw), writes, and reads with a deadline.
final class ApplicationPort {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = try TerminalPort.openRaw(path, nonBlocking: true)
    }

    func close() {
        Foundation.close(descriptor)
    }

    func write(_ text: String) {
        write(Array(text.utf8))
    }

    /// Writes everything, waiting while the pty is full.
    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else {
                var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
                _ = poll(&descriptors, 1, 100)
            }
        }
    }

    /// Reads until `isComplete` says so or `seconds` pass; returns what was read.
    func read(seconds: Double = 10, until isComplete: ([UInt8]) -> Bool) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(seconds)
        while !isComplete(received) && Date() < deadline {
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            _ = poll(&descriptors, 1, 50)
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { received += buffer[0..<count] }
        }
        return received
    }

    /// Reads until `suffix` has arrived.
    func read(until suffix: String, seconds: Double = 10) -> String {
        let tail = Array(suffix.utf8)
        let bytes = read(seconds: seconds) { $0.count >= tail.count && Array($0.suffix(tail.count)) == tail }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads exactly `count` bytes (fewer if the deadline passes).
    func read(count: Int, seconds: Double = 30) -> [UInt8] {
        read(seconds: seconds) { $0.count >= count }
    }

    /// Whatever arrives within `seconds` (a check that nothing stale is delivered).
    func readAvailable(seconds: Double) -> [UInt8] {
        read(seconds: seconds) { _ in false }
    }
}
