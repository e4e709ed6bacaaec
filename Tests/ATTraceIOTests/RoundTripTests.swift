import ATTraceCore
import ATTraceIO
import Testing

/// Write → read round trips through libpcap (product.md §1): every chunk and event comes
/// back equal, times to the nanosecond, frames numbered by position.
@Suite struct RoundTripTests {
    /// Chunks in both directions and of unknown direction, on several channels, events
    /// between them, and an empty chunk.
    static func mixedRecords() -> [CaptureRecord] {
        let start = Timestamp(seconds: 1_700_000_000, nanoseconds: 1)
        func at(_ nanoseconds: Int64) -> Timestamp { start.adding(Duration(nanoseconds: nanoseconds)) }
        let startEvent = RecorderEvent(time: at(0), frame: 1, fields: [
            ("event", .string("start")), ("tool", .string("attrace 0.1.0")), ("mode", .string("proxy")),
            ("device", .string("/dev/ttyUSB2")), ("baud", .integer(115_200)),
        ])
        let markEvent = RecorderEvent(time: at(5_000_000_007), frame: 8, channel: 3, fields: [
            ("event", .string("mark")), ("text", .string("quote \" backslash \\ newline \n é")),
        ])
        return [
            .event(startEvent),
            .chunk(TraceChunk(time: at(1), frame: 2, direction: .host, bytes: Array("AT+CSQ\r".utf8))),
            .chunk(TraceChunk(time: at(999_999_999), frame: 3, direction: .modem,
                              bytes: Array("\r\n+CSQ: 20,99\r\n\r\nOK\r\n".utf8))),
            .chunk(TraceChunk(time: at(1_000_000_000), frame: 4, direction: .unknown, bytes: Array("ATI\r".utf8))),
            .chunk(TraceChunk(time: at(2_000_000_000), frame: 5, channel: 1, direction: .host,
                              bytes: Array("AT+QSSLSEND=4,3\r".utf8))),
            .chunk(TraceChunk(time: at(2_000_000_000), frame: 6, channel: 0xFFFF_FFFF, direction: .modem,
                              bytes: (0...255).map { UInt8($0) })),
            .chunk(TraceChunk(time: at(3_000_000_000), frame: 7, channel: 2, direction: .unknown, bytes: [])),
            .event(markEvent),
        ]
    }

    @Test func chunksAndEventsComeBackEqual() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mixed.pcap")
        let records = Self.mixedRecords()
        try CaptureFiles.write(records, to: path)

        #expect(try CaptureFiles.readAll(path) == records)
        #expect(try CaptureFiles.readAllFast(path) == records)
    }

    @Test func readerReportsTheFileItWrote() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mixed.pcap")
        try CaptureFiles.write(Self.mixedRecords(), to: path)

        let reader = try CaptureReader(path: path)
        #expect(reader.linkType == LinkType.wiresharkUpperPDU)
        #expect(reader.isPcapng == false)
        #expect(reader.snapshotLength == CaptureWriter.snapshotLength)
        #expect(reader.name == path)
    }

    @Test func eventsKeepTheirFieldsInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.pcap")
        try CaptureFiles.write(Self.mixedRecords(), to: path)

        let events = try CaptureFiles.readAll(path).compactMap { record -> RecorderEvent? in
            if case .event(let event) = record { return event }
            return nil
        }
        #expect(events.map(\.name) == ["start", "mark"])
        #expect(events[0].fields.map(\.key) == ["event", "tool", "mode", "device", "baud"])
        #expect(events[0]["baud"] == .integer(115_200))
        #expect(events[1].channel == 3)
        #expect(events[1]["text"] == .string("quote \" backslash \\ newline \n é"))
    }

    @Test func largeChunkIsSplitIntoRecordsWithTheSameTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("large.pcap")
        let time = Timestamp(seconds: 1_700_000_123, nanoseconds: 987_654_321)
        let payload = (0..<600_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let writer = try CaptureWriter(path: path, syncPolicy: .never)
        try writer.write(TraceChunk(time: time, frame: 1, channel: 4, direction: .modem, bytes: payload))
        try writer.write(TraceChunk(time: time.adding(.milliseconds(1)), frame: 2, direction: .host,
                                    bytes: Array("AT\r".utf8)))
        let limit = writer.maximumPayloadPerRecord
        #expect(limit == 262_144 - 64)
        #expect(writer.recordsWritten == 4)
        #expect(writer.payloadBytesWritten == 600_003)
        try writer.close()

        let records = try CaptureFiles.readAll(path)
        let chunks = records.compactMap { record -> TraceChunk? in
            if case .chunk(let chunk) = record { return chunk }
            return nil
        }
        #expect(records.count == 4)
        #expect(chunks.map(\.frame) == [1, 2, 3, 4])
        #expect(chunks.map(\.bytes.count) == [limit, limit, 600_000 - 2 * limit, 3])
        #expect(chunks.prefix(3).allSatisfy { $0.time == time && $0.channel == 4 && $0.direction == .modem })
        #expect(Array(chunks.prefix(3).map(\.bytes).joined()) == payload)
    }

    @Test func nextAndTheFastPathCanBeMixed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mixed.pcap")
        let records = Self.mixedRecords()
        try CaptureFiles.write(records, to: path)

        let reader = try CaptureReader(path: path)
        var read: [CaptureRecord] = []
        read.append(try #require(reader.next()))
        read.append(try #require(reader.next()))
        reader.forEachRecord { read.append($0.copied()) }
        #expect(read == records)
        #expect(reader.next() == nil)
    }

    @Test func timesOutsideWhatPcapStoresAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("times.pcap")
        let writer = try CaptureWriter(path: path, syncPolicy: .never)
        let late = Timestamp(seconds: Int64(Int32.max) + 1)
        #expect(throws: CaptureError.timestampOutOfRange(name: path, time: late)) {
            try writer.write(TraceChunk(time: late, frame: 1, direction: .host, bytes: [0x41]))
        }
        #expect(throws: CaptureError.self) {
            try writer.write(TraceChunk(time: Timestamp(nanoseconds: -1), frame: 1, direction: .host, bytes: [0x41]))
        }
        // The last second pcap can hold still round-trips.
        let last = Timestamp(seconds: Int64(Int32.max), nanoseconds: 999_999_999)
        try writer.write(TraceChunk(time: last, frame: 1, direction: .host, bytes: [0x41]))
        try writer.close()
        #expect(try CaptureFiles.readAll(path) == [.chunk(TraceChunk(time: last, frame: 1, direction: .host, bytes: [0x41]))])
    }

    @Test func closeIsIdempotentAndLaterWritesThrow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("closed.pcap")
        let writer = try CaptureWriter(path: path, syncPolicy: .everyRecord)
        try writer.write(SampleTraffic.chunk("AT\r", .host, at: 0, frame: 1))
        try writer.close()
        try writer.close()
        #expect(throws: CaptureError.cannotWrite(name: path, reason: "the capture is closed")) {
            try writer.write(SampleTraffic.chunk("AT\r", .host, at: 1, frame: 2))
        }
        #expect(try CaptureFiles.readAll(path).count == 1)
    }

    @Test func writerReportsFilesItCannotCreate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("missing-directory/out.pcap")
        #expect(throws: CaptureError.cannotWrite(name: path, reason: "No such file or directory")) {
            _ = try CaptureWriter(path: path)
        }
        let error = CaptureError.cannotWrite(name: path, reason: "No such file or directory")
        #expect(error.description == "cannot write \(path): No such file or directory")
    }
}
