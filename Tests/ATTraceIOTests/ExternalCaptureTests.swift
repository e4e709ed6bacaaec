import ATTraceCore
import ATTraceIO
import Testing

/// Captures written by an independent program (`Samples/external/README.md`): attrace must
/// read what it did not write (product.md §1, "Readers also accept: pcap and pcapng").
@Suite struct ExternalCaptureTests {
    static let pcapPath = RepositoryRoot.sample("external/ssl-sessions-mixed.pcap")
    static let pcapngPath = RepositoryRoot.sample("external/ssl-sessions-mixed.pcapng")

    private func chunks(_ records: [CaptureRecord]) -> [TraceChunk] {
        records.compactMap { record in
            if case .chunk(let chunk) = record { return chunk }
            return nil
        }
    }

    @Test func classicPcapHas3037DirectedChunks() throws {
        let reader = try CaptureReader(path: Self.pcapPath)
        #expect(reader.isPcapng == false)
        #expect(reader.linkType == LinkType.wiresharkUpperPDU)
        let records = CaptureFiles.readAll(reader)
        let chunks = chunks(records)
        #expect(records.count == 3037)
        #expect(chunks.count == 3037, "no events or diagnostics")
        #expect(chunks.allSatisfy { $0.direction == .host || $0.direction == .modem })
        #expect(chunks.allSatisfy { $0.channel == 0 })
        #expect(chunks.map(\.frame) == Array(1...3037))
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.time <= $1.time })

        let first = try #require(chunks.first)
        #expect(first.bytes == Array("AT+CSQ\r".utf8))
        #expect(first.direction == .host)
        #expect(first.time == Timestamp(seconds: 1_700_000_000, nanoseconds: 347_712_782))
    }

    @Test func pcapngHas1549DirectedChunks() throws {
        let reader = try CaptureReader(path: Self.pcapngPath)
        #expect(reader.isPcapng == true)
        #expect(reader.linkType == LinkType.wiresharkUpperPDU)
        let records = CaptureFiles.readAll(reader)
        let chunks = chunks(records)
        #expect(records.count == 1549)
        #expect(chunks.count == 1549, "no events or diagnostics")
        #expect(chunks.allSatisfy { $0.direction == .host || $0.direction == .modem })
        #expect(chunks.map(\.frame) == Array(1...1549))

        // Unlike the classic file, this capture starts with the APN configuration.
        let first = try #require(chunks.first)
        #expect(first.bytes == Array("AT+QICSGP=1,1,\"internet\",\"\",\"\",1\r".utf8))
        #expect(first.direction == .host)
    }

    @Test(arguments: [pcapPath, pcapngPath])
    func fastPathAgreesWithNext(_ path: String) throws {
        #expect(try CaptureFiles.readAllFast(path) == CaptureFiles.readAll(path))
    }

    @Test func bothDirectionsCarryATTraffic() throws {
        let chunks = chunks(try CaptureFiles.readAll(Self.pcapPath))
        let hostText = chunks.filter { $0.direction == .host }.map { String(decoding: $0.bytes, as: UTF8.self) }
        let modemText = chunks.filter { $0.direction == .modem }.map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(hostText.contains { $0.hasPrefix("AT+QSSLOPEN=") })
        #expect(modemText.contains { $0.contains("+QSSLOPEN: ") })
        #expect(modemText.contains { $0.contains("OK\r\n") })
    }
}
