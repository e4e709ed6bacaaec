import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// `attrace replay` end to end through the real executable on real ptys (issue 5 §3): the
/// host follows the recording (exit 0), the host deviates (`--on-mismatch stop`, exit 1),
/// `--as host` drives the capture tests' scripted modem and writes the new session, and a
/// CMUX session played by both sides against each other.
@Suite(.serialized) struct ReplayCommandTests {
    @Test func aHostThatFollowsTheRecordingGetsItsAnswersAndExitStatus0() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyAT").path
        let replay = try BackgroundAttrace(["replay", "captures/ssl/g3-buffer-mode.pcap", "--as", "modem", "--link", link,
                                            "--fast"])
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(link) })
        let host = try CaptureTestSupport.Port(link)
        defer { host.close() }
        let dialogue: [(send: String, answer: String)] = [
            ("AT+QIACT=1\r", "\r\nOK\r\n"),
            ("AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r", "\r\nOK\r\n\r\n+QSSLOPEN: 4,0\r\n"),
            ("AT+QSSLSTATE\r", "\r\n+QSSLSTATE: 4,\"SSLClient\",\"220.180.239.212\",8010,65344,2,1,4,0,\"usbmodem\",1\r\n\r\nOK\r\n"),
            ("AT+QSSLSEND=4\r", "\r\n> "),
            ("Test data from SSL\u{1A}", "\r\nSEND OK\r\n"),
            ("AT+QSSLSEND=4,18\r", "\r\n> "),
            ("Test data from SSL", "\r\nSEND OK\r\n\r\n+QSSLURC: \"recv\",4\r\n"),
            ("AT+QSSLRECV=4,1500\r", "\r\n+QSSLRECV: 18\r\nTest data from SSL\r\n\r\nOK\r\n"),
            ("AT+QSSLRECV=4,1500\r", "\r\n+QSSLRECV: 0\r\n\r\nOK\r\n"),
            ("AT+QSSLCLOSE=4\r", "\r\nOK\r\n"),
        ]
        for (send, answer) in dialogue {
            host.write(send)
            #expect(host.read(until: answer) == answer, "answer to \(send.debugDescription)")
        }
        let result = replay.wait()
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.contains("commands: 8 recorded, 8 sent as recorded, 0 with another line, 0 not sent"), "\(result.output)")
        #expect(result.output.contains("ended: completed"))
        #expect(!FileManager.default.fileExists(atPath: link), "the link is removed at the end")
    }

    @Test func aDeviatingHostStopsTheReplayWithExitStatus1() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyAT").path
        let replay = try BackgroundAttrace(["replay", "captures/ssl/g1-pdp-context.pcap", "--as", "modem", "--link", link,
                                            "--fast", "--on-mismatch", "stop"])
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(link) })
        let host = try CaptureTestSupport.Port(link)
        defer { host.close() }
        host.write("AT+QICSGP=1,1,\"UNINET\",\"\",\"\",1\r")
        #expect(host.read(until: "OK\r\n") == "\r\nOK\r\n")
        host.write("AT+CGMR\r")
        let result = replay.wait()
        #expect(result.status == 1, "stderr: \(result.error)")
        #expect(result.output.contains("unexpected-command: the host sent AT+CGMR; the recording expected #2 AT+QIACT=1"),
                "\(result.output)")
        #expect(result.output.contains("ended: stopped on mismatch"))
    }

    @Test func asHostDrivesADeviceAndWritesTheNewSession() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("bench.trace").path
        try """
            @title a session the scripted modem answers the same way
            0.000 > ATI<CR>
            0.010 < ATI<CR><CR><LF>Quectel<CR><LF>EC25<CR><LF>Revision: EC25EFAR06A09M4G<CR><LF><CR><LF>OK<CR><LF>
            0.500 > AT+CSQ<CR>
            0.510 < AT+CSQ<CR><CR><LF>+CSQ: 20,99<CR><LF><CR><LF>OK<CR><LF>
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let pair = try PseudoTerminalPair.open()
        defer { pair.close() }
        let modem = try ScriptedModem(descriptor: pair.master, echo: true)
        defer { modem.stop() }
        let capture = directory.appendingPathComponent("new.pcap").path

        let result = try AttraceProcess.run(["replay", script, "--as", "host", "--device", pair.slavePath, "-w", capture])
        #expect(result.exitCode == 0, "stdout: \(result.output)\nstderr: \(result.standardError)")
        #expect(result.output.contains("units sent: 2 of 2 (2 commands); unanswered: 0"), "\(result.output)")
        #expect(result.output.contains("2 aligned (2 identical)"), "\(result.output)")
        let records = try CaptureTestSupport.records(capture)
        #expect(CaptureTestSupport.bytes(records, .host) == Array("ATI\rAT+CSQ\r".utf8))
        #expect(CaptureTestSupport.events(records).map(\.name) == ["start", "stop"])
    }

    @Test func aMultiplexedSessionReplaysAsHostAgainstItselfAsModem() throws {
        let directory = try CaptureTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyAT").path
        let capture = directory.appendingPathComponent("bench.pcap").path
        let modem = try BackgroundAttrace(["replay", "captures/cmux/cmux-basic.pcap", "--as", "modem", "--link", link,
                                           "--fast"])
        #expect(CaptureTestSupport.wait { CaptureTestSupport.isLink(link) })

        let host = try AttraceProcess.run(["replay", "captures/cmux/cmux-basic.pcap", "--as", "host", "--device", link,
                                           "--fast", "-w", capture])
        #expect(host.exitCode == 0, "stdout: \(host.output)\nstderr: \(host.standardError)")
        #expect(host.output.contains("units sent: 11 of 11 (2 commands, 9 records of CMUX frames); unanswered: 0"),
                "\(host.output)")
        #expect(host.output.contains("CMUX frames answered with the recorded byte count: 9 of 9"), "\(host.output)")
        let result = modem.wait()
        #expect(result.status == 0, "stdout: \(result.output)\nstderr: \(result.error)")
        #expect(result.output.contains("CMUX frames: 9 host records recorded, 9 sent as recorded, 0 different"),
                "\(result.output)")
        let original = try CaptureTestSupport.records(Repository.samples.appendingPathComponent("captures/cmux/cmux-basic.pcap").path)
        let bench = try CaptureTestSupport.records(capture)
        for direction in [Direction.host, .modem] {
            #expect(CaptureTestSupport.bytes(bench, direction) == CaptureTestSupport.bytes(original, direction),
                    "\(direction.name) bytes")
        }
    }
}
