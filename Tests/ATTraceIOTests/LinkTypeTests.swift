import ATTraceCore
import ATTraceIO
import Testing

/// Link types other than 252 (product.md §1 "Readers also accept"; formats.md §1.2, §1.4,
/// §4): raw serial bytes for USER0–15 and RTAC serial, raw packets for usbmon.
@Suite struct LinkTypeTests {
    private func writeCapture(linkType: UInt32, datas: [[UInt8]], in directory: TemporaryDirectory) throws -> String {
        var file = PcapBytes(linkType: linkType)
        for (index, data) in datas.enumerated() {
            file.appendRecord(nanoseconds: UInt32(index), data: data)
        }
        let path = directory.file("linktype-\(linkType).pcap")
        try file.write(to: path)
        return path
    }

    @Test(arguments: [UInt32(147), 155, 162, 250])
    func userAndRTACRecordsAreRawSerialBytesOfUnknownDirection(_ linkType: UInt32) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try writeCapture(linkType: linkType, datas: [Array("AT+CSQ\r".utf8), [0x00, 0x0c, 0x00, 0x04]],
                                    in: directory)
        let reader = try CaptureReader(path: path)
        #expect(reader.linkType == Int32(linkType))
        let records = CaptureFiles.readAll(reader)
        #expect(records == [
            .chunk(TraceChunk(time: Timestamp(seconds: 1_700_000_000), frame: 1, direction: .unknown,
                              bytes: Array("AT+CSQ\r".utf8))),
            .chunk(TraceChunk(time: Timestamp(seconds: 1_700_000_000, nanoseconds: 1), frame: 2, direction: .unknown,
                              bytes: [0x00, 0x0c, 0x00, 0x04])),
        ], "TLV-looking bytes are not interpreted on these link types")
    }

    @Test(arguments: [UInt32(189), 220])
    func usbmonOpensAndHandsOutRawPackets(_ linkType: UInt32) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let urb = Array(repeating: UInt8(0x53), count: 64) + Array("AT+CSQ\r".utf8)
        let path = try writeCapture(linkType: linkType, datas: [urb, Array(urb.prefix(64))], in: directory)

        let reader = try CaptureReader(path: path)
        #expect(reader.linkType == Int32(linkType))
        var packets: [(frame: Int, time: Timestamp, bytes: [UInt8])] = []
        let damage = reader.forEachPacket { packet in
            packets.append((packet.frame, packet.time, Array(packet.bytes)))
        }
        #expect(damage == nil)
        #expect(packets.map(\.frame) == [1, 2])
        #expect(packets.map(\.time) == [Timestamp(seconds: 1_700_000_000), Timestamp(seconds: 1_700_000_000, nanoseconds: 1)])
        #expect(packets.first?.bytes == urb)
    }

    @Test func usbmonRecordsThroughNextAreUnreadableWithTheirBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let urb = Array(repeating: UInt8(0x43), count: 64)
        let path = try writeCapture(linkType: 220, datas: [urb], in: directory)

        let records = try CaptureFiles.readAll(path)
        guard case .diagnostic(let diagnostic)? = records.first, records.count == 1 else {
            Issue.record("unexpected: \(records)")
            return
        }
        #expect(diagnostic.code == .unreadableRecord)
        #expect(diagnostic.bytes == urb)
        #expect(diagnostic.message.contains("usbmon"))
    }

    @Test func microsecondCapturesAreScaledToNanoseconds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var file = PcapBytes(magic: 0xa1b2_c3d4)
        file.appendRecord(nanoseconds: 123_456, data: PcapBytes.tlv(12, text: "at") + PcapBytes.end + [0x41])
        let path = directory.file("microseconds.pcap")
        try file.write(to: path)

        #expect(try CaptureFiles.readAll(path).first?.time == Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_000))
    }
}
