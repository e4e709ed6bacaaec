import ATTraceCore
import ATTraceIO
import ATTraceReplay
import ATTraceSimulation
import Foundation
import Testing

/// `replay --as host` on real ptys (issue 5 §2, §4): against the scripted fake modem of the
/// capture tests, and against `replay --as modem`, recording the new session in attrace's
/// format and reproducing the original transactions.
@Suite(.serialized) struct HostReplayTests {
    /// A session the scripted modem (echo on) answers the same way.
    static let scriptedSession = """
        @title scripted modem session
        0.000 > ATI<CR>
        0.010 < ATI<CR><CR><LF>Quectel<CR><LF>EC25<CR><LF>Revision: EC25EFAR06A09M4G<CR><LF><CR><LF>OK<CR><LF>
        0.500 > AT+CSQ<CR>
        0.510 < AT+CSQ<CR><CR><LF>+CSQ: 20,99<CR><LF><CR><LF>OK<CR><LF>
        1.000 > AT+URC=50,+QIURC: "pdpdeact",1<CR>
        1.010 < AT+URC=50,+QIURC: "pdpdeact",1<CR><CR><LF>OK<CR><LF>
        1.060 < <CR><LF>+QIURC: "pdpdeact",1<CR><LF>
        1.500 > AT<CR>
        1.510 < AT<CR><CR><LF>OK<CR><LF>
        """

    /// Regression: a device that could not be opened left the new capture behind, empty.
    @Test func aDeviceThatCannotBeOpenedLeavesNoCapture() throws {
        let recording = try RecordingBuilder.build(from: TraceScript.parse(Self.scriptedSession, name: "scripted.trace").records)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let capture = directory.file("never.pcap")
        #expect(throws: TapError.self) {
            try HostReplay(driver: HostDriver(recording: recording, timing: .fast),
                           devicePath: directory.file("no-such-tty"),
                           output: CaptureOutput(path: capture, syncPolicy: .never), control: TapControl(),
                           tool: "attrace tests")
        }
        #expect(!FileManager.default.fileExists(atPath: capture))
    }

    @Test func drivesTheScriptedModemAndRecordsTheSession() throws {
        let recording = try RecordingBuilder.build(from: TraceScript.parse(Self.scriptedSession, name: "scripted.trace").records)
        let pair = try PseudoTerminalPair.open()
        defer { pair.close() }
        let modem = try ScriptedModem(descriptor: pair.master, echo: true)
        defer { modem.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let capture = directory.file("bench.pcap")

        let replay = try HostReplay(driver: HostDriver(recording: recording, timing: .fast), devicePath: pair.slavePath,
                                    output: CaptureOutput(path: capture, syncPolicy: .never), control: TapControl(),
                                    tool: "attrace tests")
        let (report, failure) = replay.run()
        #expect(failure == nil)
        #expect(report.ending == .completed)
        #expect(report.stepsPlayed == 4)
        #expect(report.deviations.isEmpty, "\(report.deviations)")
        #expect(modem.received == Array("ATI\rAT+CSQ\rAT+URC=50,+QIURC: \"pdpdeact\",1\rAT\r".utf8))

        let written = try CaptureFiles.readAll(capture)
        guard case .event(let start)? = written.first, case .event(let stop)? = written.last else {
            Issue.record("the capture starts and ends with an event")
            return
        }
        #expect(start.name == "start" && start["mode"] == .string("replay-host"))
        #expect(stop.name == "stop")
        let decoded = ATStreamDecoder.decode(written)
        #expect(ConversationEssence.firstDifference(replayed: decoded, original: recording.decoded) == nil,
                "the bench session says what the recording says")
        // The driver waited for the URC before its last command, as the recorded host did.
        let urcFrame = decoded.first { if case .urc = $0 { true } else { false } }?.frame ?? .max
        let lastCommandFrame = decoded.compactMap { if case .transaction(let t) = $0 { t.firstFrame } else { nil } }.max() ?? 0
        #expect(urcFrame < lastCommandFrame)
    }

    @Test func hostReplayAgainstModemReplayRecordsTheOriginalTransactions() throws {
        let original = try CaptureFiles.readAll(RepositoryRoot.sample("captures/ssl/g5c-transparent-resume.pcap"))
        let recording = try RecordingBuilder.build(from: original)
        let timing = ReplayTiming(dropsDelays: true, escapeGuard: .milliseconds(100))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let link = directory.file("ttyAT")
        let capture = directory.file("bench.pcap")
        let modemControl = try TapControl()
        let modemReplay = try ModemReplay(modem: ModemImpersonator(recording: recording, timing: timing),
                                          linkPath: link, control: modemControl)
        let outcome = ReplayOutcome()
        let thread = try WorkerThread { outcome.set(modemReplay.run()) }
        defer {
            modemControl.requestStop()
            thread.join()
        }

        let hostReplay = try HostReplay(driver: HostDriver(recording: recording, timing: timing), devicePath: link,
                                        output: CaptureOutput(path: capture, syncPolicy: .never), control: TapControl(),
                                        tool: "attrace tests")
        let (hostReport, failure) = hostReplay.run()
        #expect(failure == nil)
        #expect(hostReport.hostFollowedRecording, "\(hostReport.deviations)")
        #expect(Polling.wait { outcome.report != nil })
        #expect(outcome.report?.hostFollowedRecording == true, "\(outcome.report?.deviations ?? [])")

        let bench = ATStreamDecoder.decode(try CaptureFiles.readAll(capture))
        let transactions = { (records: [DecodedRecord]) in
            records.compactMap { record -> String? in
                guard case .transaction = record else { return nil }
                return ConversationEssence.of(record)
            }
        }
        #expect(transactions(bench) == transactions(recording.decoded))
        #expect(transactions(bench).count == 6)
        #expect(ConversationEssence.firstDifference(replayed: bench, original: recording.decoded) == nil,
                "data runs and the three escapes too")
    }
}
