import ATTraceCore
import ATTraceIO
import Foundation

/// Small helpers of the capture command tests: waiting with a deadline, a raw application
/// port, reading captures back.
enum CaptureTestSupport {
    @discardableResult
    static func wait(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var interval: UInt32 = 1000
        while Date() < deadline {
            if condition() { return true }
            usleep(interval)
            interval = min(interval * 2, 20_000)
        }
        return condition()
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attrace-capture-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func records(_ path: String) throws -> [CaptureRecord] {
        let reader = try CaptureReader(path: path)
        var records: [CaptureRecord] = []
        while let record = reader.next() { records.append(record) }
        return records
    }

    static func events(_ records: [CaptureRecord]) -> [RecorderEvent] {
        records.compactMap { if case .event(let event) = $0 { event } else { nil } }
    }

    static func bytes(_ records: [CaptureRecord], _ direction: Direction) -> [UInt8] {
        var bytes: [UInt8] = []
        for case .chunk(let chunk) in records where chunk.direction == direction { bytes += chunk.bytes }
        return bytes
    }

    static func isLink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    /// Opens the application side raw and talks to it.
    final class Port {
        let descriptor: Int32

        init(_ path: String) throws {
            descriptor = try TerminalPort.openRaw(path, nonBlocking: true)
        }

        func close() { Foundation.close(descriptor) }

        func write(_ text: String) {
            var bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                if written > 0 { offset += written } else { usleep(1000) }
            }
            bytes.removeAll()
        }

        func read(until isComplete: ([UInt8]) -> Bool, seconds: Double = 10) -> [UInt8] {
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

        func read(until suffix: String) -> String {
            let tail = Array(suffix.utf8)
            return String(decoding: read(until: { $0.count >= tail.count && Array($0.suffix(tail.count)) == tail }), as: UTF8.self)
        }
    }
}
