import ATTraceCore
import ATTraceIO
import Testing

/// A damaged tail is the end of the data, not an error (product.md §1, formats.md §3.5):
/// every complete record first, then exactly one `truncatedCapture` diagnostic.
@Suite struct TruncatedCaptureTests {
    /// Ten host and modem records; returns their records and the file offset where each
    /// record starts.
    private func writeTenRecords(to path: String) throws -> (records: [CaptureRecord], offsets: [Int]) {
        var records: [CaptureRecord] = []
        var offsets: [Int] = []
        var offset = 24
        for index in 0..<10 {
            let text = index.isMultiple(of: 2) ? "AT+QSSLSTATE=\(index)\r" : "\r\nOK\r\n"
            let chunk = SampleTraffic.chunk(text, index.isMultiple(of: 2) ? .host : .modem,
                                            at: Int64(index * 10), frame: index + 1)
            records.append(.chunk(chunk))
            offsets.append(offset)
            offset += 16 + 20 + chunk.bytes.count
        }
        try CaptureFiles.write(records, to: path)
        #expect(try CaptureFiles.size(of: path) == offset)
        return (records, offsets)
    }

    private func expectDamagedTail(_ records: [CaptureRecord], after complete: [CaptureRecord],
                                   containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(records.count == complete.count + 1, sourceLocation: sourceLocation)
        #expect(Array(records.prefix(complete.count)) == complete, sourceLocation: sourceLocation)
        guard case .diagnostic(let diagnostic)? = records.last else {
            Issue.record("the last record is not a diagnostic", sourceLocation: sourceLocation)
            return
        }
        #expect(diagnostic.code == .truncatedCapture, sourceLocation: sourceLocation)
        #expect(diagnostic.frame == complete.count + 1, sourceLocation: sourceLocation)
        #expect(diagnostic.time == complete.last?.time, sourceLocation: sourceLocation)
        #expect(diagnostic.message.hasPrefix("capture ends in a damaged record: "), sourceLocation: sourceLocation)
        #expect(diagnostic.message.contains(text), sourceLocation: sourceLocation)
    }

    @Test func cutInsideARecordHeader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cut-header.pcap")
        let (records, offsets) = try writeTenRecords(to: path)
        try CaptureFiles.truncate(path, to: offsets[9] + 7)

        let expected = Array(records.prefix(9))
        expectDamagedTail(try CaptureFiles.readAll(path), after: expected,
                          containing: "truncated dump file; tried to read 16 header bytes, only got 7")
        expectDamagedTail(try CaptureFiles.readAllFast(path), after: expected, containing: "header bytes")
    }

    @Test func cutInsideRecordData() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cut-data.pcap")
        let (records, offsets) = try writeTenRecords(to: path)
        try CaptureFiles.truncate(path, to: offsets[6] + 16 + 3)

        let expected = Array(records.prefix(6))
        expectDamagedTail(try CaptureFiles.readAll(path), after: expected,
                          containing: "captured bytes, only got 3")
        expectDamagedTail(try CaptureFiles.readAllFast(path), after: expected, containing: "only got 3")
    }

    @Test func cutAtARecordBoundaryIsACleanEnd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cut-boundary.pcap")
        let (records, offsets) = try writeTenRecords(to: path)
        try CaptureFiles.truncate(path, to: offsets[4])

        #expect(try CaptureFiles.readAll(path) == Array(records.prefix(4)))
        #expect(try CaptureFiles.readAllFast(path) == Array(records.prefix(4)))
    }

    @Test func cutRightAfterTheFileHeaderHasNoRecordTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cut-first.pcap")
        _ = try writeTenRecords(to: path)
        try CaptureFiles.truncate(path, to: 24 + 5)

        let records = try CaptureFiles.readAll(path)
        #expect(records.count == 1)
        guard case .diagnostic(let diagnostic)? = records.first else {
            Issue.record("no diagnostic")
            return
        }
        #expect(diagnostic.code == .truncatedCapture)
        #expect(diagnostic.frame == 1)
        #expect(diagnostic.time == nil)
    }

    @Test func impossibleCaptureLengthEndsTheData() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var file = PcapBytes()
        file.appendRecord(data: PcapBytes.tlv(12, text: "at") + PcapBytes.end + Array("AT\r".utf8))
        file.appendRecord(nanoseconds: 5, data: [], capturedLength: 876_430_414)
        let path = directory.file("invalid-length.pcap")
        try file.write(to: path)

        let records = try CaptureFiles.readAll(path)
        #expect(records.count == 2)
        guard case .diagnostic(let diagnostic)? = records.last else {
            Issue.record("no diagnostic")
            return
        }
        #expect(diagnostic.code == .truncatedCapture)
        #expect(diagnostic.frame == 2)
        #expect(diagnostic.message.contains("invalid packet capture length 876430414"))
    }

    @Test func damagedTailIsDeliveredOnlyOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("once.pcap")
        let (_, offsets) = try writeTenRecords(to: path)
        try CaptureFiles.truncate(path, to: offsets[2] + 3)

        let reader = try CaptureReader(path: path)
        var packets = 0
        let diagnostic = reader.forEachPacket { _ in packets += 1 }
        #expect(packets == 2)
        #expect(diagnostic?.code == .truncatedCapture)
        #expect(diagnostic?.frame == 3)
        #expect(reader.next() == nil)
        var more = 0
        reader.forEachRecord { _ in more += 1 }
        #expect(more == 0)
    }

    @Test func truncatedPcapngKeepsItsCompleteRecords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cut.pcapng")
        let original = try CaptureFiles.bytes(of: RepositoryRoot.sample("external/ssl-sessions-mixed.pcapng"))
        try CaptureFiles.writeBytes(Array(original.prefix(10_000)), to: path)

        let records = try CaptureFiles.readAll(path)
        let complete = try CaptureFiles.readAll(RepositoryRoot.sample("external/ssl-sessions-mixed.pcapng"))
        #expect(records.count > 10)
        #expect(Array(records.dropLast()) == Array(complete.prefix(records.count - 1)))
        guard case .diagnostic(let diagnostic)? = records.last else {
            Issue.record("no diagnostic")
            return
        }
        #expect(diagnostic.code == .truncatedCapture)
        #expect(diagnostic.message.contains("truncated pcapng dump file"))
    }
}
