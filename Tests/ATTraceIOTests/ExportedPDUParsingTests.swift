import ATTraceCore
import ATTraceIO
import Testing

/// How the reader interprets exported-PDU TLVs it did not write (product.md §1,
/// formats.md §1.1): missing and foreign tags, other dissectors, and malformed lists.
@Suite struct ExportedPDUParsingTests {
    private static let at = PcapBytes.tlv(12, Array("at\0\0".utf8))
    private static let host = PcapBytes.tlv(35, uint32: 0)
    private static let modem = PcapBytes.tlv(35, uint32: 1)
    private static let end = PcapBytes.end

    /// Writes one pcap whose records carry `datas` and reads it back.
    private func read(_ datas: [[UInt8]]) throws -> [CaptureRecord] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var file = PcapBytes()
        for (index, data) in datas.enumerated() {
            file.appendRecord(nanoseconds: UInt32(index), data: data)
        }
        let path = directory.file("records.pcap")
        try file.write(to: path)
        return try CaptureFiles.readAll(path)
    }

    private func time(_ index: Int) -> Timestamp {
        Timestamp(seconds: 1_700_000_000, nanoseconds: Int64(index))
    }

    private func chunk(_ index: Int, _ direction: Direction, _ text: String, channel: UInt32 = 0) -> CaptureRecord {
        .chunk(TraceChunk(time: time(index), frame: index + 1, channel: channel, direction: direction,
                          bytes: Array(text.utf8)))
    }

    @Test func recordWithoutTag35HasUnknownDirection() throws {
        let records = try read([Self.at + Self.end + Array("AT\r".utf8)])
        #expect(records == [chunk(0, .unknown, "AT\r")])
    }

    @Test func directionValuesOtherThanZeroAndOneAreUnknown() throws {
        let records = try read([
            Self.at + PcapBytes.tlv(35, uint32: 0xFFFF_FFFF) + Self.end + Array("A".utf8),
            Self.at + PcapBytes.tlv(35, uint32: 2) + Self.end + Array("B".utf8),
            Self.at + PcapBytes.tlv(35, [0, 1]) + Self.end + Array("C".utf8), // wrong length
            Self.at + Self.modem + Self.end + Array("D".utf8),
        ])
        #expect(records == [chunk(0, .unknown, "A"), chunk(1, .unknown, "B"), chunk(2, .unknown, "C"),
                            chunk(3, .modem, "D")])
    }

    @Test func deprecatedAndUnknownTagsAreSkippedByTheirLength() throws {
        let data = PcapBytes.tlv(10, uint32: 36) // EXP_PDU_TAG_OPTIONS_LENGTH, deprecated
            + Self.at
            + PcapBytes.tlv(20, [192, 168, 0, 1]) // IPv4 source
            + PcapBytes.tlv(34, Array(repeating: 0xEE, count: 19)) // TCP info: odd length, unaligned after it
            + PcapBytes.tlv(36, text: "info column") // newer than Wireshark 4.0
            + PcapBytes.tlv(999, [])
            + Self.host + Self.end + Array("AT+CSQ\r".utf8)
        #expect(try read([data]) == [chunk(0, .host, "AT+CSQ\r")])
    }

    @Test func channelComesFromTag25OrElseTag26() throws {
        let records = try read([
            Self.at + PcapBytes.tlv(25, uint32: 3) + PcapBytes.tlv(26, uint32: 3) + Self.host + Self.end + [0x41],
            Self.at + PcapBytes.tlv(26, uint32: 9) + Self.modem + Self.end + [0x42],
            Self.at + PcapBytes.tlv(25, [0, 7]) + Self.modem + Self.end + [0x43], // wrong length: ignored
        ])
        #expect(records == [chunk(0, .host, "A", channel: 3), chunk(1, .modem, "B", channel: 9),
                            chunk(2, .modem, "C")])
    }

    @Test func otherDissectorsAreSerialBytesToo() throws {
        let records = try read([
            PcapBytes.tlv(12, text: "ppp_raw_hdlc") + Self.modem + Self.end + [0x7E, 0xFF, 0x7D, 0x23, 0x7E],
            PcapBytes.tlv(12, Array("data-text-lines\0".utf8)) + Self.host + Self.end + Array("text".utf8),
            Self.host + Self.end + Array("no dissector".utf8),
        ])
        #expect(records == [
            .chunk(TraceChunk(time: time(0), frame: 1, direction: .modem, bytes: [0x7E, 0xFF, 0x7D, 0x23, 0x7E])),
            chunk(1, .host, "text"),
            chunk(2, .host, "no dissector"),
        ])
    }

    @Test func recorderEventNeedsBothDissectorAndProtocolText() throws {
        let eventPrefix = PcapBytes.tlv(12, Array("data-text-lines\0".utf8)) + PcapBytes.tlv(33, text: "ATTRACE")
        let records = try read([
            eventPrefix + Self.end + Array(#"{"event":"mark","n":1}"#.utf8) + [0x0A], // trailing newline is fine
            PcapBytes.tlv(12, text: "data-text-lines") + PcapBytes.tlv(33, text: "ATCAP-META") + Self.end
                + Array("key=value".utf8),
        ])
        #expect(records == [
            .event(RecorderEvent(time: time(0), frame: 1, fields: [("event", .string("mark")), ("n", .integer(1))])),
            .chunk(TraceChunk(time: time(1), frame: 2, direction: .unknown, bytes: Array("key=value".utf8))),
        ])
    }

    @Test func eventBodyThatIsNotAJSONObjectIsUnreadable() throws {
        let prefix = PcapBytes.tlv(12, Array("data-text-lines\0".utf8)) + PcapBytes.tlv(25, uint32: 2)
            + PcapBytes.tlv(33, Array("ATTRACE\0".utf8)) + Self.end
        let records = try read([
            prefix + Array("[1,2]".utf8),
            prefix + Array("{\"event\":".utf8),
            Self.at + Self.host + Self.end + Array("AT\r".utf8),
        ])
        #expect(records.count == 3)
        for (index, body) in ["[1,2]", "{\"event\":"].enumerated() {
            guard case .diagnostic(let diagnostic) = records[index] else {
                Issue.record("record \(index) is not a diagnostic: \(records[index])")
                continue
            }
            #expect(diagnostic.code == .unreadableRecord)
            #expect(diagnostic.frame == index + 1)
            #expect(diagnostic.time == time(index))
            #expect(diagnostic.channel == 2)
            #expect(diagnostic.bytes == Array(body.utf8))
            #expect(diagnostic.message.contains("not a JSON object"))
        }
        #expect(records[2] == chunk(2, .host, "AT\r"))
    }

    @Test(arguments: [
        ("value runs past the end", [0x00, 0x0c, 0x00, 0x08, 0x61, 0x74] as [UInt8]),
        ("no end tag", [0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00]),
        ("tag header cut", [0x00, 0x0c, 0x00, 0x04, 0x61, 0x74, 0x00, 0x00, 0x00, 0x23]),
        ("empty record", []),
        ("huge length", [0x00, 0x23, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x41, 0x54]),
    ])
    func malformedTLVsAreUnreadableAndReadingGoesOn(_ name: String, _ data: [UInt8]) throws {
        let good = Self.at + Self.modem + Self.end + Array("OK".utf8)
        let records = try read([good, data, good])
        #expect(records.count == 3, "\(name)")
        #expect(records[0] == chunk(0, .modem, "OK"))
        #expect(records[2] == chunk(2, .modem, "OK"))
        guard case .diagnostic(let diagnostic) = records[1] else {
            Issue.record("\(name): record 2 is not a diagnostic: \(records[1])")
            return
        }
        #expect(diagnostic.code == .unreadableRecord)
        #expect(diagnostic.frame == 2)
        #expect(diagnostic.time == time(1))
        #expect(diagnostic.bytes == data, "the record's bytes travel with the diagnostic")
        #expect(diagnostic.message.hasPrefix("record 2 is unreadable: "))
    }

    @Test func snappedRecordDeliversWhatIsThereAndADiagnostic() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var file = PcapBytes()
        let data = Self.at + Self.modem + Self.end + Array("+QSSLRECV: 1500\r\n".utf8)
        file.appendRecord(data: data, originalLength: UInt32(data.count + 1483))
        file.appendRecord(nanoseconds: 1, data: Self.at + Self.host + Self.end + Array("AT\r".utf8))
        let path = directory.file("snapped.pcap")
        try file.write(to: path)

        let records = try CaptureFiles.readAll(path)
        #expect(records.count == 3)
        #expect(records[0] == chunk(0, .modem, "+QSSLRECV: 1500\r\n"))
        guard case .diagnostic(let diagnostic) = records[1] else {
            Issue.record("no snapped-record diagnostic: \(records)")
            return
        }
        #expect(diagnostic.code == .snappedRecord)
        #expect(diagnostic.frame == 1)
        #expect(diagnostic.direction == .modem)
        #expect(diagnostic.message == "record 1 was cut short by the capture: 1483 of its 1520 bytes are missing")
        #expect(records[2] == chunk(1, .host, "AT\r"))
    }

    @Test func recordLongerThanTheFileSnapshotLengthIsCutByLibpcap() throws {
        // caplen > snaplen (but within libpcap's 262144 limit): libpcap keeps the first
        // snaplen bytes and reports the rest as missing.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var file = PcapBytes(snapshotLength: 1024)
        let payload = Array(repeating: UInt8(ascii: "x"), count: 2000)
        file.appendRecord(data: Self.at + Self.host + Self.end + payload)
        let path = directory.file("oversized.pcap")
        try file.write(to: path)

        let records = try CaptureFiles.readAll(path)
        #expect(records.count == 2)
        #expect(records.first == .chunk(TraceChunk(time: time(0), frame: 1, direction: .host,
                                                   bytes: Array(payload.prefix(1024 - 20)))))
        if case .diagnostic(let diagnostic) = records.last {
            #expect(diagnostic.code == .snappedRecord)
        } else {
            Issue.record("no snapped-record diagnostic")
        }
    }
}
