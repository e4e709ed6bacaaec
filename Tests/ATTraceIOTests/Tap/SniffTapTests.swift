import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// Passive two-input capture from two pty pairs standing in for two adapters
/// (capture.md §6 case 8).
@Suite(.serialized) struct SniffTapTests {
    private final class Sniffer: @unchecked Sendable {
        let recorder: CaptureRecorder
        let control: TapControl
        let tap: SniffTap
        var thread: WorkerThread?

        init(_ configuration: SniffConfiguration, path: String) throws {
            control = try TapControl()
            recorder = try CaptureRecorder(output: CaptureOutput(path: path, syncPolicy: .never))
            tap = try SniffTap(configuration: configuration, recorder: recorder, control: control)
            try recorder.start()
            thread = try WorkerThread { [self] in tap.run() }
        }

        func stop() {
            control.requestStop()
            thread?.join()
            _ = recorder.finish()
        }
    }

    private func write(_ bytes: [UInt8], to descriptor: Int32) {
        _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    }

    @Test func twoInputsWithSequenceNumbers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hostLine = try PseudoTerminalPair.open()
        let modemLine = try PseudoTerminalPair.open()
        defer { hostLine.close(); modemLine.close() }
        let path = directory.file("sniff.pcap")
        let sniffer = try Sniffer(SniffConfiguration(inputs: [
            .init(path: hostLine.slavePath, direction: .host),
            .init(path: modemLine.slavePath, direction: .modem),
        ], baudRate: 115_200), path: path)

        var hostSent: [UInt8] = []
        var modemSent: [UInt8] = []
        for index in 0..<20 {
            let command = Array("AT+CSQ=\(index)\r".utf8)
            write(command, to: hostLine.master)
            hostSent += command
            #expect(Polling.wait { ((try? CaptureFiles.readAll(path)) ?? []).bytes(.host).count == hostSent.count })
            let answer = Array("\r\n+CSQ: \(index),99\r\n\r\nOK\r\n".utf8)
            write(answer, to: modemLine.master)
            modemSent += answer
            #expect(Polling.wait { ((try? CaptureFiles.readAll(path)) ?? []).bytes(.modem).count == modemSent.count })
        }
        sniffer.stop()
        let records = try CaptureFiles.readAll(path)
        #expect(records.bytes(.host) == hostSent)
        #expect(records.bytes(.modem) == modemSent)
        let start = try #require(records.events(named: "start").first)
        #expect(start["mode"] == .string("sniff"))
        #expect(start["baud"]?.intValue == 115_200)
        // The sniffer never wrote to either line.
        var descriptors = [pollfd(fd: hostLine.master, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: modemLine.master, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&descriptors, 2, 0) == 0)
        // The decoder pairs each command with its answer.
        let transactions = ATStreamDecoder.decode(records).filter { if case .transaction = $0 { true } else { false } }
        #expect(transactions.count == 20)
        #expect(records.events(named: "stop").first?["host"]?["chunks"]?.intValue == 20)
        // Per-input sequence numbers are exported-PDU tag 30 (original frame number).
        let sequences = try PcapBytes.originalFrameNumbers(of: path)
        #expect(sequences[.host] == Array(1...20).map(UInt32.init))
        #expect(sequences[.modem] == Array(1...20).map(UInt32.init))
    }

    @Test func oneInputIsAOneDirectionMonitorWithParityMarking() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let line = try PseudoTerminalPair.open()
        defer { line.close() }
        let path = directory.file("monitor.pcap")
        var configuration = SniffConfiguration(inputs: [.init(path: line.slavePath, direction: .modem)], baudRate: 9600)
        configuration.markErrors = true
        let sniffer = try Sniffer(configuration, path: path)
        #expect(sniffer.tap.warnings.contains { $0.contains("one input only") })
        // FF bytes must round-trip through PARMRK's FF FF escaping.
        let payload: [UInt8] = [0x41, 0xFF, 0x42, 0xFF, 0xFF, 0x0D, 0x0A]
        write(payload, to: line.master)
        #expect(Polling.wait { ((try? CaptureFiles.readAll(path)) ?? []).bytes(.modem).count == payload.count })
        sniffer.stop()
        let records = try CaptureFiles.readAll(path)
        #expect(records.bytes(.modem) == payload)
        #expect(records.events(named: "line_error").isEmpty)
        #expect(records.events(named: "start").first?["mark_errors"] == .bool(true))
    }
}
