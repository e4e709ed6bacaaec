import ATTraceCommands
import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// `attrace capture proxy` end to end, through the real executable (capture.md §6): an
/// application talks to a scripted modem through the proxy; SIGTERM stops it cleanly;
/// SIGKILL leaves a readable capture that `--append` continues after cutting a torn tail.
@Suite(.serialized) struct CaptureProxyCommandTests {
    @Test func sigtermStopsCleanlyWithTheStopEventLastAndTheLinkRemoved() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try PseudoTerminalPair.open()
        defer { pair.close() }
        let modem = try ScriptedModem(descriptor: pair.master, echo: true)
        defer { modem.stop() }
        let link = directory.appendingPathComponent("ttyAT").path
        let capture = directory.appendingPathComponent("session.pcap").path

        let tap = try BackgroundAttrace(["capture", "proxy", "--device", pair.slavePath, "--link", link,
                                         "-w", capture, "--sync", "record", "--decode"], in: directory)
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(link) })
        let app = try CaptureTestSupport.Port(link)
        app.write("ATI\r")
        #expect(app.read(until: "OK\r\n").hasSuffix("Revision: EC25EFAR06A09M4G\r\n\r\nOK\r\n"))
        app.write("AT+CSQ\r")
        #expect(app.read(until: "OK\r\n") == "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        app.close()
        tap.signal(SIGTERM)
        let result = tap.wait()
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.error.contains("is also open in"), "the keeper descriptor of the pair is reported: \(result.error)")
        #expect(!FileManager.default.fileExists(atPath: link), "the link is removed on a clean stop")

        let records = try CaptureTestSupport.records(capture)
        guard case .event(let last)? = records.last else {
            Issue.record("the last record is not an event")
            return
        }
        #expect(last.name == "stop")
        #expect(last["reason"] == .string("SIGTERM"))
        #expect(last["host"]?["bytes"]?.intValue == 11)
        #expect(last["host"]?["chunks"] != nil)
        #expect(last["modem"]?["bytes"]?.intValue == Int64(CaptureTestSupport.bytes(records, .modem).count))
        let start = try #require(CaptureTestSupport.events(records).first)
        #expect(start.name == "start")
        #expect(start["tool"] == .string("attrace \(ATTraceCommand.version)"))
        #expect(start["mode"] == .string("proxy"))
        #expect(start["device"] == .string(pair.slavePath))
        #expect(start["link"] == .string(link))
        #expect(start["sync"] == .string("record"))
        #expect(String(decoding: CaptureTestSupport.bytes(records, .host), as: UTF8.self) == "ATI\rAT+CSQ\r")
        // The device's settings are restored (a pty pair starts raw here).
        #expect(TerminalPort.settings(of: pair.slave)?.isRaw == true)

        // The live view showed the conversation; `decode` shows the events.
        #expect(result.output.contains("AT+CSQ → OK"), "live view: \(result.output)")
        #expect(result.output.contains("EVENT start"))
        let decoded = try AttraceProcess.run(["decode", capture], in: directory)
        #expect(decoded.exitCode == 0)
        for name in ["EVENT start", "EVENT app_open", "EVENT app_close", "EVENT stop", "ATI → OK"] {
            #expect(decoded.output.contains(name), "decode output lacks \(name)")
        }
    }

    @Test func sigkillMidTransferLeavesAReadableCaptureAndAppendCutsATornTail() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try PseudoTerminalPair.open()
        defer { pair.close() }
        let modem = try ScriptedModem(descriptor: pair.master, echo: false)
        defer { modem.stop() }
        let link = directory.appendingPathComponent("ttyAT").path
        let capture = directory.appendingPathComponent("killed.pcap").path

        let tap = try BackgroundAttrace(["capture", "proxy", "--device", pair.slavePath, "--link", link,
                                         "-w", capture, "--sync", "never"], in: directory)
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(link) })
        let app = try CaptureTestSupport.Port(link)
        let count = 8 << 20
        app.write("AT+SOURCE=\(count),5\r")
        let partial = app.read(until: { $0.count >= 1 << 20 }, seconds: 30)
        #expect(partial.count >= 1 << 20)
        tap.signal(SIGKILL)
        let result = tap.wait()
        #expect(result.status == 128 + SIGKILL)
        app.close()

        // Every record written before the kill is readable; at most the tail is damaged.
        let records = try CaptureTestSupport.records(capture)
        let diagnostics = records.filter { if case .diagnostic = $0 { true } else { false } }
        #expect(diagnostics.count <= 1)
        if case .diagnostic? = records.last {} else { #expect(diagnostics.isEmpty) }
        let modemBytes = CaptureTestSupport.bytes(records, .modem)
        let stream = Array("\r\nCONNECT\r\n".utf8) + ScriptedModem.sourceBytes(count: count, seed: 5)
        // Forwarding comes before recording, so the records still queued for the writer
        // when the process died are lost; in practice microseconds' worth.
        #expect(modemBytes.count >= partial.count / 2, "most of what the app received was recorded")
        let isPrefix = modemBytes.count <= stream.count && Array(stream.prefix(modemBytes.count)) == modemBytes
        #expect(isPrefix, "the recorded bytes are exactly the start of the modem's stream")
        #expect(CaptureTestSupport.isLink(link), "SIGKILL leaves the link behind")

        // Tear the tail on purpose, then append: the torn record is cut and a new session
        // follows; the dangling link is replaced.
        let size = try FileManager.default.attributesOfItem(atPath: capture)[.size] as! Int
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: capture))
        try handle.truncate(atOffset: UInt64(size - 3))
        try handle.close()
        let again = try BackgroundAttrace(["capture", "proxy", "--device", pair.slavePath, "--link", link,
                                           "-w", capture, "--append", "--sync", "never"], in: directory)
        #expect(CaptureTestSupport.wait {
            (try? CaptureTestSupport.records(capture)).map { CaptureTestSupport.events($0).filter { $0.name == "start" }.count == 2 } ?? false
        })
        again.signal(SIGINT)
        let second = again.wait()
        #expect(second.status == 0, "stderr: \(second.error)")
        let appended = try CaptureTestSupport.records(capture)
        #expect(appended.allSatisfy { if case .diagnostic = $0 { false } else { true } }, "no damaged record is left")
        let starts = CaptureTestSupport.events(appended).filter { $0.name == "start" }
        #expect(starts.count == 2)
        #expect((starts.last?["truncated_tail_bytes"]?.intValue ?? 0) > 0)
        #expect(CaptureTestSupport.events(appended).last?.name == "stop")
        #expect(CaptureTestSupport.events(appended).last?["reason"] == .string("SIGINT"))
        let times = appended.compactMap(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func proxyBetweenSocatPtyPairs() throws {
        guard let socat = ["/usr/bin/socat", "/usr/local/bin/socat", "/bin/socat"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            print("skipped: socat is not installed (apt-get install socat)")
            return
        }
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let device = directory.appendingPathComponent("dev").path
        let modemEnd = directory.appendingPathComponent("modem").path
        let socatProcess = Process()
        socatProcess.executableURL = URL(fileURLWithPath: socat)
        socatProcess.arguments = ["-b", "65536", "PTY,link=\(device),raw,echo=0", "PTY,link=\(modemEnd),raw,echo=0"]
        socatProcess.standardError = FileHandle.nullDevice
        try socatProcess.run()
        defer {
            // SIGKILL: the test runner's signal mask can leave socat deaf to SIGTERM.
            kill(socatProcess.processIdentifier, SIGKILL)
            socatProcess.waitUntilExit()
        }
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(device) && CaptureTestSupport.isLink(modemEnd) })
        let modemDescriptor = try TerminalPort.openRaw(modemEnd)
        defer { close(modemDescriptor) }
        let modem = try ScriptedModem(descriptor: modemDescriptor, echo: true)
        defer { modem.stop() }
        let link = directory.appendingPathComponent("app").path
        let capture = directory.appendingPathComponent("socat.pcap").path

        let tap = try BackgroundAttrace(["capture", "proxy", "--device", device, "--link", link, "-w", capture], in: directory)
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(link) })
        let app = try CaptureTestSupport.Port(link)
        app.write("ATE0\r")
        #expect(app.read(until: "OK\r\n") == "ATE0\r\r\nOK\r\n")
        let count = 1 << 20
        app.write("AT+SOURCE=\(count),9\r")
        let expected = Array("\r\nCONNECT\r\n".utf8) + ScriptedModem.sourceBytes(count: count, seed: 9) + Array("\r\nOK\r\n".utf8)
        let received = app.read(until: { $0.count >= expected.count }, seconds: 60)
        let exact = received == expected
        #expect(exact, "the app received exactly what the modem sent through socat and the proxy")
        app.close()
        tap.signal(SIGTERM)
        let result = tap.wait()
        #expect(result.status == 0, "stderr: \(result.error)")
        let records = try CaptureTestSupport.records(capture)
        let recorded = CaptureTestSupport.bytes(records, .modem) == Array("ATE0\r\r\nOK\r\n".utf8) + expected
        #expect(recorded, "the capture holds exactly the modem's bytes")
        #expect(CaptureTestSupport.bytes(records, .host) == Array("ATE0\rAT+SOURCE=\(count),9\r".utf8))
        #expect(CaptureTestSupport.events(records).last?.name == "stop")
    }
}
