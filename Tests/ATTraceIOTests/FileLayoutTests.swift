import ATTraceCore
import ATTraceIO
import Testing

/// The exact bytes the writer puts on disk (product.md §1, formats.md §0 and §7.1).
@Suite struct FileLayoutTests {
    /// Writes `records` and returns the file's bytes.
    private func bytes(writing records: [CaptureRecord]) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("layout.pcap")
        try CaptureFiles.write(records, to: path)
        return try CaptureFiles.bytes(of: path)
    }

    private func chunk(_ text: String, _ direction: Direction, channel: UInt32 = 0) -> CaptureRecord {
        .chunk(TraceChunk(time: SampleTraffic.start, frame: 1, channel: channel, direction: direction,
                          bytes: Array(text.utf8)))
    }

    #if _endian(little)
    @Test func fileHeaderIsNanosecondPcapWithLinkType252() throws {
        let file = try bytes(writing: [])
        #expect(file == [
            0x4d, 0x3c, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, // magic a1b23c4d, version 2.4
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // thiszone, sigfigs
            0x00, 0x00, 0x04, 0x00, 0xfc, 0x00, 0x00, 0x00, // snaplen 262144, linktype 252
        ])
    }

    @Test func hostRecordHasTheTwentyBytePrefix() throws {
        let file = try bytes(writing: [chunk("AT+CSQ\r", .host)])
        #expect(file.count == 24 + 16 + 20 + 7)
        #expect(Array(file[24..<40]) == [
            0x00, 0xf1, 0x53, 0x65, // ts_sec 1700000000
            0x7d, 0x6c, 0x99, 0x08, // ts_nsec 144272509
            0x1b, 0x00, 0x00, 0x00, // caplen 27
            0x1b, 0x00, 0x00, 0x00, // len 27
        ])
        #expect(Array(file[40...]) == [
            0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00, // tag 12 "at\0\0"
            0x00, 0x23, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, // tag 35: 0 = sent by the host
            0x00, 0x00, 0x00, 0x00, // end of options
        ] + Array("AT+CSQ\r".utf8))
    }
    #endif

    @Test func modemRecordCarriesDirectionOne() throws {
        let file = try bytes(writing: [chunk("OK", .modem)])
        #expect(Array(file[40...]) == [
            0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00,
            0x00, 0x23, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x00,
        ] + Array("OK".utf8))
    }

    @Test func unknownDirectionLeavesOutTag35() throws {
        let file = try bytes(writing: [chunk("OK", .unknown)])
        #expect(Array(file[40...]) == [
            0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ] + Array("OK".utf8))
    }

    @Test func channelGoesInTags25And26() throws {
        let file = try bytes(writing: [chunk("AT\r", .host, channel: 0x0102_0304)])
        #expect(Array(file[40...]) == [
            0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00, // tag 12 "at"
            0x00, 0x19, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04, // tag 25 source port = channel
            0x00, 0x1a, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04, // tag 26 destination port = channel
            0x00, 0x23, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, // tag 35 host
            0x00, 0x00, 0x00, 0x00,
        ] + Array("AT\r".utf8))
    }

    @Test func eventRecordIsDataTextLinesWithATTRACEAndOneLineOfJSON() throws {
        let event = RecorderEvent(time: SampleTraffic.start, frame: 1, fields: [
            ("event", .string("start")), ("baud", .integer(115_200)),
        ])
        let file = try bytes(writing: [.event(event)])
        let prefix: [UInt8] = [0x00, 0x0c, 0x00, 0x10] + Array("data-text-lines\0".utf8)
            + [0x00, 0x21, 0x00, 0x08] + Array("ATTRACE\0".utf8)
            + [0x00, 0x00, 0x00, 0x00]
        #expect(Array(file[40...]) == prefix + Array(#"{"event":"start","baud":115200}"#.utf8))
    }

    @Test func eventOnAChannelAddsTags25And26() throws {
        let event = RecorderEvent(time: SampleTraffic.start, frame: 1, channel: 2, fields: [("event", .string("mark"))])
        let file = try bytes(writing: [.event(event)])
        let prefix: [UInt8] = [0x00, 0x0c, 0x00, 0x10] + Array("data-text-lines\0".utf8)
            + [0x00, 0x19, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02]
            + [0x00, 0x1a, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02]
            + [0x00, 0x21, 0x00, 0x08] + Array("ATTRACE\0".utf8)
            + [0x00, 0x00, 0x00, 0x00]
        #expect(Array(file[40...]) == prefix + Array(#"{"event":"mark"}"#.utf8))
    }
}
