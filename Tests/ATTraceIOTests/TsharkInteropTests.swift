import ATTraceCore
import ATTraceIO
import Testing

/// Wireshark/tshark 4.x open attrace captures with no plugin and show `Sent`/`Rcvd AT
/// Command` (product.md §1; formats.md §7.2). Skipped when tshark is not installed.
@Suite struct TsharkInteropTests {
    private func tsharkOrSkip(_ test: String = #function) -> String? {
        guard let path = Tshark.path else {
            print("skipping \(test): tshark is not on PATH (install it to check Wireshark interoperability)")
            return nil
        }
        return path
    }

    @Test func tsharkShowsSentAndReceivedATCommands() throws {
        guard let tshark = tsharkOrSkip() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("csq.pcap")
        try CaptureFiles.write(SampleTraffic.signalQuality, to: path)

        let (output, status) = try Tshark.run(tshark, ["-r", path])
        #expect(status == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2, "\(output)")
        #expect(lines.first?.contains("Sent AT Command: AT+CSQ") == true, "\(output)")
        #expect(lines.last?.contains("Rcvd AT Command:") == true, "\(output)")
        #expect(lines.last?.contains("+CSQ: 20,99") == true, "\(output)")
        #expect(!output.contains("Malformed"))
    }

    @Test func tsharkReadsChannelsUnknownDirectionsAndEvents() throws {
        guard let tshark = tsharkOrSkip() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mixed.pcap")
        let start = RecorderEvent(time: SampleTraffic.start, frame: 1, fields: [
            ("event", .string("start")), ("tool", .string("attrace 0.1.0")), ("mode", .string("proxy")),
        ])
        try CaptureFiles.write([
            .event(start),
            .chunk(SampleTraffic.chunk("AT+QSSLSTATE=4\r", .host, at: 1, frame: 2, channel: 2)),
            .chunk(SampleTraffic.chunk("\r\nOK\r\n", .modem, at: 2, frame: 3, channel: 2)),
            .chunk(SampleTraffic.chunk("\r\nRDY\r\n", .unknown, at: 3, frame: 4)),
        ], to: path)

        let (output, status) = try Tshark.run(tshark, ["-r", path])
        #expect(status == 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 4, "\(output)")
        #expect(lines.first?.contains("ATTRACE") == true, "\(output)")
        #expect(lines.dropFirst().first?.contains("Sent AT Command: AT+QSSLSTATE=4") == true, "\(output)")
        #expect(lines.dropFirst(2).first?.contains("Rcvd AT Command") == true, "\(output)")
        #expect(lines.last?.contains("UnknownDirection AT Command") == true, "\(output)")
        #expect(!output.contains("Malformed"), "\(output)")

        let (fields, _) = try Tshark.run(tshark, ["-r", path, "-T", "fields",
                                                  "-e", "exported_pdu.src_port", "-e", "exported_pdu.p2p_dir"])
        #expect(fields.split(separator: "\n").map(String.init) == ["\t", "2\t0", "2\t1", "\t"], "\(fields)")
    }

    @Test(arguments: [ExternalCaptureTests.pcapPath, ExternalCaptureTests.pcapngPath])
    func directionsAgreeWithTsharkOnIndependentCaptures(_ path: String) throws {
        guard let tshark = tsharkOrSkip() else { return }
        let (fields, status) = try Tshark.run(tshark, ["-r", path, "-T", "fields", "-e", "exported_pdu.p2p_dir"])
        #expect(status == 0)
        let tsharkDirections = fields.split(separator: "\n").map { $0 == "0" ? Direction.host : $0 == "1" ? .modem : .unknown }
        let ours = try CaptureFiles.readAll(path).map { record -> Direction? in
            if case .chunk(let chunk) = record { return chunk.direction }
            return nil
        }
        #expect(ours == tsharkDirections)
    }
}
