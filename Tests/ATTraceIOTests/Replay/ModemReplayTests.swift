import ATTraceCore
import ATTraceIO
import ATTraceReplay
import Foundation
import Testing

/// `replay --as modem` on real ptys (issue 5 "Done when"): every sample capture is served
/// at a link, the sample's own host side is played into it, and the conversation must be
/// the original byte for byte: the same module bytes, sent at the same points relative to
/// the host's records, decoding to the same transactions. Serialized: each case runs a pty
/// and a replay thread, which must not compete on a loaded 2-CPU machine.
@Suite(.serialized) struct ModemReplayTests {
    /// The guard time of `+++` in these tests: the rule's 1 s would only make them slow.
    static let escapeGuard = Duration.milliseconds(100)

    static let samples: [String] = {
        let root = RepositoryRoot.sample("captures")
        let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return paths.filter { $0.hasSuffix(".pcap") }.sorted().filter { path in
            // No direction tags: not replayable (Docs/Replay.md "Limits").
            !path.hasSuffix("no-direction-tags.pcap")
        }
    }()

    @Test func thereAreSamplesToReplay() {
        #expect(Self.samples.count >= 60)
    }

    @Test(arguments: samples)
    func replayedModemReproducesTheSample(path: String) throws {
        let original = try CaptureFiles.readAll(RepositoryRoot.sample("captures/" + path))
        let recording = try RecordingBuilder.build(from: original)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let link = directory.file("ttyAT")
        let control = try TapControl()
        let modem = ModemImpersonator(recording: recording, timing: ReplayTiming(dropsDelays: true, escapeGuard: Self.escapeGuard))
        let replay = try ModemReplay(modem: modem, linkPath: link, control: control)
        let outcome = ReplayOutcome()
        let thread = try WorkerThread { outcome.set(replay.run()) }
        defer {
            control.requestStop()
            thread.join()
        }

        let port = try ApplicationPort(path: link)
        let host = SampleHostSide(original: original, channel: recording.channel,
                                  escapeGuard: Double(Self.escapeGuard.nanoseconds) / 1e9)
        let conversation = host.play(on: port)
        #expect(Polling.wait { outcome.report != nil }, "the replay ends once the recording is played")
        port.close()

        #expect(conversation.moduleBytes == recording.moduleBytesWithEcho, "the module's bytes, byte for byte")
        #expect(conversation.earlyBytes.isEmpty, "\(conversation.earlyBytes)")
        let report = try #require(outcome.report)
        #expect(report.hostFollowedRecording, "\(report.deviations)")
        #expect(!FileManager.default.fileExists(atPath: link), "the link is removed at the end")
        if !path.hasSuffix("dtr-exit.pcap") {
            // dtr-exit: without the recorded modem_lines events a decoder reads the OK as data.
            let replayed = ATStreamDecoder.decode(host.retimed(conversation, channel: recording.channel))
            if let difference = ConversationEssence.firstDifference(replayed: replayed, original: recording.decoded,
                                                                      channel: recording.channel) {
                Issue.record("\(path): \(difference)")
            }
        }
    }
}

/// The report of a replay running on another thread.
final class ReplayOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ReplayReport?

    func set(_ report: ReplayReport) {
        lock.withLock { value = report }
    }

    var report: ReplayReport? {
        lock.withLock { value }
    }
}

extension Recording {
    /// The module's bytes as the original capture has them: the recorded bytes with the
    /// echo of echoed commands (which a replay produces from the host's bytes) put back.
    var moduleBytesWithEcho: [UInt8] {
        var bytes = opening.flatMap(\.bytes)
        for step in steps {
            if let command = step.command, command.isEchoed { bytes += command.wireBytes }
            bytes += step.outputBytes
        }
        return bytes
    }
}
