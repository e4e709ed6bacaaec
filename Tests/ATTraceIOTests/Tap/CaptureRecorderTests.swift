import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// The writer side of the tap: loss is recorded, rotation keeps every part decodable, and
/// appending continues after a torn tail (product.md §1, §6).
@Suite struct CaptureRecorderTests {
    private func chunk(_ text: String, _ direction: Direction, _ index: Int) -> TapRecord {
        .chunk(TapChunk(direction: direction, time: Timestamp(seconds: 1_800_000_000, nanoseconds: Int64(index) * 1000),
                        bytes: Array(text.utf8)))
    }

    @Test func aFullQueueDropsRecordsAndSaysSo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("lossy.pcap")
        // A queue that holds one record at a time, and a writer that is not running yet.
        let recorder = try CaptureRecorder(output: CaptureOutput(path: path, syncPolicy: .never), queueLimit: 1)
        recorder.submit(.event(.tap("start", at: Timestamp(seconds: 1_800_000_000))))
        for index in 1...5 { recorder.submit(chunk("AT\r", .host, index)) }
        #expect(recorder.lostRecords == 5)
        #expect(recorder.lostBytes == 15)
        try recorder.start()
        recorder.submitWaiting(.event(.tap("stop", at: Timestamp(seconds: 1_800_000_001))))
        let summary = recorder.finish()
        #expect(summary.lostRecords == 5)
        let records = try CaptureFiles.readAll(path)
        #expect(records.events.map(\.name) == ["start", "capture_lost", "stop"])
        let lost = try #require(records.events(named: "capture_lost").first)
        #expect(lost["records"]?.intValue == 5)
        #expect(lost["bytes"]?.intValue == 15)
    }

    #if os(Linux)
    /// A session whose set-up fails after the capture was opened finishes the recorder
    /// without starting it: the file must still be closed (no descriptor left open).
    @Test func aRecorderNeverStartedClosesItsFileOnFinish() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("unstarted.pcap")
        let recorder = try CaptureRecorder(output: CaptureOutput(path: path, syncPolicy: .never))
        #expect(Self.descriptorsOpen(on: path) == 1)
        _ = recorder.finish()
        #expect(Self.descriptorsOpen(on: path) == 0)
    }

    /// How many of this process's descriptors refer to `path` (Linux `/proc/self/fd`).
    private static func descriptorsOpen(on path: String) -> Int {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.filter { name in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + name)) == path
        }.count
    }
    #endif

    @Test func rotationStartsNumberedPartsThatEachDecode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = CaptureOutput(path: directory.file("cap.pcap"), syncPolicy: .never, rotateBytes: 400, keepParts: 3)
        let recorder = try CaptureRecorder(output: output)
        try recorder.start()
        recorder.submit(.event(.tap("start", at: Timestamp(seconds: 1_800_000_000), [("mode", .string("test"))])))
        for index in 1...40 {
            recorder.submit(chunk("AT+CSQ\r", .host, index * 2))
            recorder.submit(chunk("\r\nOK\r\n", .modem, index * 2 + 1))
        }
        recorder.submitWaiting(.event(.tap("stop", at: Timestamp(seconds: 1_800_000_001), [("reason", .string("test"))])))
        let summary = recorder.finish()
        #expect(summary.failure == nil)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.count == 3, "only the newest three parts are kept: \(names)")
        #expect(summary.lastPath == directory.file(names.last!))
        for name in names {
            let records = try CaptureFiles.readAll(directory.file(name))
            #expect(records.diagnostics.isEmpty)
            #expect(records.events.first?.name == "start", "\(name) starts with the session's start event")
            #expect(records.events.first?["mode"] == .string("test"))
            #expect(records.events.last?.name == "stop")
        }
        let middle = try CaptureFiles.readAll(directory.file(names[1]))
        #expect(middle.events.first?["part"] != nil)
        #expect(middle.events.last?["reason"] == .string("rotate"))
    }

    /// A part that cannot be opened does not stop the tap: the first part is complete, the
    /// error is reported once, and every record after it is counted as lost.
    @Test func aPartThatCannotBeOpenedCountsTheRecordsAsLost() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let parts = directory.file("parts")
        try FileManager.default.createDirectory(atPath: parts, withIntermediateDirectories: false)
        let output = CaptureOutput(path: parts + "/cap.pcap", syncPolicy: .never, rotateBytes: 200)
        let recorder = try CaptureRecorder(output: output)
        recorder.submit(.event(.tap("start", at: Timestamp(seconds: 1_800_000_000))))
        for index in 1...20 { recorder.submit(chunk("AT+CSQ\r", .host, index)) }
        // The first part stays open; the directory for the next ones is gone.
        let first = recorder.firstPath
        let kept = directory.file("first.pcap")
        try FileManager.default.moveItem(atPath: first, toPath: kept)
        try FileManager.default.removeItem(atPath: parts)
        try recorder.start()
        let summary = recorder.finish()
        #expect(summary.failure != nil)
        let records = try CaptureFiles.readAll(kept)
        #expect(records.diagnostics.isEmpty)
        #expect(records.events.map(\.name) == ["start", "stop"])
        let written = records.bytes(.host).count / 7
        #expect(written > 0 && written < 20)
        #expect(summary.lostRecords == 20 - written)
        #expect(summary.lostBytes == (20 - written) * 7)
    }

    @Test func appendingCutsATornTailAndKeepsTimeOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("append.pcap")
        let first = try CaptureRecorder(output: CaptureOutput(path: path, syncPolicy: .never))
        try first.start()
        for index in 1...5 { first.submit(chunk("AT\r", .host, index)) }
        _ = first.finish()
        try CaptureFiles.truncate(path, to: try CaptureFiles.size(of: path) - 3)

        let second = try CaptureRecorder(output: CaptureOutput(path: path, syncPolicy: .never, append: true))
        #expect(second.existingRecordCount == 4)
        #expect(second.truncatedTailBytes == Int64(16 + 20 + 3 - 3))
        #expect(second.existingLastTime == Timestamp(seconds: 1_800_000_000, nanoseconds: 4000))
        try second.start()
        second.submit(chunk("ATI\r", .host, 9))
        _ = second.finish()
        let records = try CaptureFiles.readAll(path)
        #expect(records.diagnostics.isEmpty)
        #expect(records.bytes(.host) == Array("AT\rAT\rAT\rAT\rATI\r".utf8))
    }
}
