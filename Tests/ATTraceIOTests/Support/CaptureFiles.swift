import ATTraceCore
import ATTraceIO
import Foundation

/// Reading and writing whole captures in one call, for tests.
enum CaptureFiles {
    /// Every record of the capture at `path`, through ``CaptureReader/next()``.
    static func readAll(_ path: String) throws -> [CaptureRecord] {
        let reader = try CaptureReader(path: path)
        return readAll(reader)
    }

    static func readAll(_ reader: CaptureReader) -> [CaptureRecord] {
        var records: [CaptureRecord] = []
        while let record = reader.next() {
            records.append(record)
        }
        return records
    }

    /// Every record through the fast path, copied.
    static func readAllFast(_ path: String) throws -> [CaptureRecord] {
        let reader = try CaptureReader(path: path)
        var records: [CaptureRecord] = []
        reader.forEachRecord { records.append($0.copied()) }
        return records
    }

    /// Writes chunks and events (diagnostics have no form in a capture and are skipped).
    static func write(_ records: [CaptureRecord], to path: String) throws {
        let writer = try CaptureWriter(path: path, syncPolicy: .never)
        for record in records {
            switch record {
            case .chunk(let chunk): try writer.write(chunk)
            case .event(let event): try writer.write(event)
            case .diagnostic: break
            }
        }
        try writer.close()
    }

    static func bytes(of path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func writeBytes(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Keeps the first `length` bytes of the file.
    static func truncate(_ path: String, to length: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(length))
        try handle.close()
    }

    static func size(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// A short, realistic exchange: the host asks for signal quality, the modem answers.
enum SampleTraffic {
    static let start = Timestamp(seconds: 1_700_000_000, nanoseconds: 144_272_509)

    static func chunk(_ text: String, _ direction: Direction, at milliseconds: Int64, frame: Int,
                      channel: UInt32 = 0) -> TraceChunk {
        TraceChunk(time: start.adding(.milliseconds(milliseconds)), frame: frame, channel: channel,
                   direction: direction, bytes: Array(text.utf8))
    }

    /// `AT+CSQ` and its answer, as two records.
    static var signalQuality: [CaptureRecord] {
        [
            .chunk(chunk("AT+CSQ\r", .host, at: 0, frame: 1)),
            .chunk(chunk("\r\n+CSQ: 20,99\r\n\r\nOK\r\n", .modem, at: 31, frame: 2)),
        ]
    }
}
