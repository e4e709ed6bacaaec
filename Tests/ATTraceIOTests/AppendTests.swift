import ATTraceCore
import ATTraceIO
import Testing

/// Appending to an existing capture first cuts a torn tail (product.md §1; formats.md §3.6
/// shows libpcap's own append corrupting everything after a torn record).
@Suite struct AppendTests {
    /// `count` alternating host and modem records starting at `first` (milliseconds).
    private func records(_ count: Int, from first: Int) -> [CaptureRecord] {
        (0..<count).map { index in
            let number = first + index
            return .chunk(SampleTraffic.chunk(number.isMultiple(of: 2) ? "AT+QSSLSTATE=\(number)\r" : "\r\nOK\r\n",
                                              number.isMultiple(of: 2) ? .host : .modem,
                                              at: Int64(number), frame: number + 1))
        }
    }

    private func append(_ records: [CaptureRecord], to path: String) throws -> CaptureWriter {
        let writer = try CaptureWriter(appendingTo: path, syncPolicy: .never)
        for case .chunk(let chunk) in records {
            try writer.write(chunk)
        }
        try writer.close()
        return writer
    }

    @Test func tornTailIsCutBeforeAppending() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("torn.pcap")
        let original = records(5, from: 0)
        try CaptureFiles.write(original, to: path)
        let size = try CaptureFiles.size(of: path)
        try CaptureFiles.truncate(path, to: size - 5)

        let writer = try append(records(2, from: 5), to: path)
        let lastRecordLength = 16 + 20 + Array("AT+QSSLSTATE=4\r".utf8).count
        #expect(writer.existingRecordCount == 4)
        #expect(writer.truncatedTailBytes == Int64(lastRecordLength - 5))
        #expect(writer.recordsWritten == 2)

        let read = try CaptureFiles.readAll(path)
        let expected = Array(original.prefix(4)) + records(2, from: 5).enumerated().map { index, record in
            guard case .chunk(var chunk) = record else { return record }
            chunk.frame = 5 + index
            return .chunk(chunk)
        }
        #expect(read.count == 6)
        #expect(read == expected, "six valid records, no diagnostics")
    }

    @Test func cleanFileKeepsEveryRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("clean.pcap")
        try CaptureFiles.write(records(5, from: 0), to: path)

        let writer = try append(records(2, from: 5), to: path)
        #expect(writer.existingRecordCount == 5)
        #expect(writer.truncatedTailBytes == 0)
        #expect(try CaptureFiles.readAll(path) == records(7, from: 0))
    }

    @Test func eventsCanBeAppendedToo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.pcap")
        try CaptureFiles.write(records(1, from: 0), to: path)
        let writer = try CaptureWriter(appendingTo: path, syncPolicy: .everyRecord)
        let stop = RecorderEvent(time: SampleTraffic.start.adding(.seconds(1)), frame: 2, fields: [("event", .string("stop"))])
        try writer.write(stop)
        try writer.close()
        #expect(try CaptureFiles.readAll(path) == records(1, from: 0) + [.event(stop)])
    }

    @Test func missingFileIsCreated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("new.pcap")
        let writer = try append(records(3, from: 0), to: path)
        #expect(writer.existingRecordCount == 0)
        #expect(writer.truncatedTailBytes == 0)
        #expect(try CaptureFiles.readAll(path) == records(3, from: 0))
    }

    @Test func emptyFileGetsAHeader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("empty.pcap")
        try CaptureFiles.writeBytes([], to: path)
        _ = try append(records(2, from: 0), to: path)
        #expect(try CaptureFiles.readAll(path) == records(2, from: 0))
    }

    @Test func zeroFilledTailIsCut() throws {
        // What some file systems leave after a power loss.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("zeros.pcap")
        try CaptureFiles.write(records(3, from: 0), to: path)
        try CaptureFiles.writeBytes(try CaptureFiles.bytes(of: path) + Array(repeating: 0, count: 100), to: path)

        let writer = try append(records(1, from: 3), to: path)
        #expect(writer.truncatedTailBytes == 100)
        #expect(try CaptureFiles.readAll(path) == records(4, from: 0))
    }

    @Test(arguments: [
        ("caplen above the snapshot length", UInt32(300_000), UInt32(300_000), [UInt8]()),
        ("caplen different from len", UInt32(24), UInt32(40), Array(repeating: UInt8(0), count: 24)),
        ("TLVs without an end tag", UInt32(8), UInt32(8), [0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00]),
    ])
    func invalidRecordStartsTheTornTail(_ name: String, captured: UInt32, original: UInt32, data: [UInt8]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("invalid.pcap")
        try CaptureFiles.write(records(2, from: 0), to: path)
        let good = try CaptureFiles.bytes(of: path)
        var tail = PcapBytes()
        tail.appendRecord(seconds: 1_700_000_001, data: data, capturedLength: captured, originalLength: original)
        // A valid record after the invalid one is not trusted either.
        tail.appendRecord(seconds: 1_700_000_002, data: PcapBytes.tlv(12, text: "at") + PcapBytes.end + [0x41])
        let tailBytes = Array(tail.bytes.dropFirst(24))
        try CaptureFiles.writeBytes(good + tailBytes, to: path)

        let writer = try append(records(1, from: 2), to: path)
        #expect(writer.existingRecordCount == 2, "\(name)")
        #expect(writer.truncatedTailBytes == Int64(tailBytes.count), "\(name)")
        #expect(try CaptureFiles.readAll(path) == records(3, from: 0), "\(name)")
    }

    @Test func recordEarlierThanThePreviousOneStartsTheTornTail() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("backwards.pcap")
        try CaptureFiles.write(records(2, from: 0), to: path)
        var tail = PcapBytes()
        tail.appendRecord(seconds: 1_600_000_000, data: PcapBytes.tlv(12, text: "at") + PcapBytes.end + [0x41])
        let tailBytes = Array(tail.bytes.dropFirst(24))
        try CaptureFiles.writeBytes(try CaptureFiles.bytes(of: path) + tailBytes, to: path)

        let writer = try append([], to: path)
        #expect(writer.truncatedTailBytes == Int64(tailBytes.count))
        #expect(try CaptureFiles.readAll(path) == records(2, from: 0))
    }

    @Test func nonCaptureIsRefusedAndLeftAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("notes.txt")
        let text = Array("AT+CSQ\r\n+CSQ: 20,99\r\nOK\r\n and some more text to be longer than a header".utf8)
        try CaptureFiles.writeBytes(text, to: path)

        #expect(throws: CaptureError.notACapture(name: path)) {
            _ = try CaptureWriter(appendingTo: path)
        }
        #expect(try CaptureFiles.bytes(of: path) == text, "the file is not truncated")

        let short = directory.file("short.bin")
        try CaptureFiles.writeBytes([1, 2, 3], to: short)
        #expect(throws: CaptureError.notACapture(name: short)) {
            _ = try CaptureWriter(appendingTo: short)
        }
    }

    @Test(arguments: [
        ("pcapng", RepositoryRoot.sample("external/ssl-sessions-mixed.pcapng"), "it is a pcapng file"),
        ("ethernet", "ethernet", "its link type is 1, not 252"),
        ("microseconds", "microseconds", "microsecond timestamps"),
        ("big-endian", "big-endian", "other byte order"),
        ("snaplen", "snaplen", "snapshot length 64"),
    ])
    func capturesOfAnotherKindAreRefused(_ name: String, _ source: String, _ reason: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("\(name).pcap")
        switch source {
        case "ethernet": try PcapBytes(linkType: 1).write(to: path)
        case "microseconds": try PcapBytes(magic: 0xa1b2_c3d4).write(to: path)
        case "big-endian": try PcapBytes(magic: 0x4d3c_b2a1).write(to: path)
        case "snaplen": try PcapBytes(snapshotLength: 64).write(to: path)
        default: try CaptureFiles.writeBytes(try CaptureFiles.bytes(of: source), to: path)
        }
        let before = try CaptureFiles.bytes(of: path)
        do throws(CaptureError) {
            _ = try CaptureWriter(appendingTo: path)
            Issue.record("\(name): appending did not throw")
        } catch {
            guard case .cannotAppend(let errorName, let errorReason) = error else {
                Issue.record("\(name): unexpected error \(error)")
                return
            }
            #expect(errorName == path)
            #expect(errorReason.contains(reason), "\(name): \(errorReason)")
            #expect(error.description.hasPrefix("cannot append to \(path): "))
        }
        #expect(try CaptureFiles.bytes(of: path) == before, "\(name): the file is left alone")
    }
}
