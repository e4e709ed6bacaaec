import ATTraceCore
import ATTraceReplay
import Testing

/// Every sample replayed on a virtual clock (issue 5 "Done when"): the replayed modem,
/// driven by the sample's own host records, sends the original module bytes byte for byte
/// and the conversation decodes to the original transactions; the replayed host against
/// the replayed modem gives the original transactions too.
@Suite struct SampleReplayTests {
    @Test(arguments: ReplaySamples.replayable)
    func recordingKeepsEveryModuleByte(path: String) throws {
        let records = try ReplaySamples.records(path)
        let recording = try RecordingBuilder.build(from: records)
        var rebuilt = recording.opening.flatMap(\.bytes)
        for step in recording.steps {
            if let command = step.command, command.isEchoed { rebuilt += command.wireBytes }
            rebuilt += step.outputBytes
        }
        var link = VirtualLink()
        link.records = records
        #expect(rebuilt == moduleBytes(of: records, channel: recording.channel))
    }

    @Test(arguments: ReplaySamples.replayable, [ReplayTiming.fast, .recorded])
    func modemReplayReproducesTheSample(path: String, timing: ReplayTiming) throws {
        let original = try ReplaySamples.records(path)
        let recording = try RecordingBuilder.build(from: original)
        var modem = ModemImpersonator(recording: recording, timing: timing)
        var link = VirtualLink()
        let completed = link.drive(&modem, withHostOf: original, channel: recording.channel)
        #expect(completed, "the conversation stalled")
        #expect(link.bytes(from: .modem) == moduleBytes(of: original, channel: recording.channel))
        let report = modem.report
        #expect(report.hostFollowedRecording, "\(report.deviations)")
        #expect(report.exactMatches == recording.commands.count)
        guard !ReplaySamples.leavesDataModeByDTR.contains(path) else { return }
        ConversationCheck.expectSame(ATStreamDecoder.decode(link.records), as: recording.decoded, path)
    }

    @Test(arguments: ReplaySamples.replayable.filter { !ReplaySamples.leavesDataModeByDTR.contains($0) })
    func hostReplayAgainstModemReplayGivesTheSampleTransactions(path: String) throws {
        let recording = try ReplaySamples.recording(path)
        var modem = ModemImpersonator(recording: recording, timing: .fast)
        var host = HostDriver(recording: recording, timing: .fast)
        var link = VirtualLink()
        #expect(link.converse(host: &host, modem: &modem), "the conversation stalled")
        let replayed = ATStreamDecoder.decode(link.records)
        #expect(ConversationCheck.transactions(replayed) == ConversationCheck.transactions(recording.decoded, channel: recording.channel))
        #expect(modem.report.exactMatches == recording.commands.count, "\(modem.report.deviations)")
    }

    @Test func aCaptureWithoutDirectionsIsRefused() throws {
        #expect(throws: RecordingError.self) {
            try ReplaySamples.recording("failures/no-direction-tags.trace")
        }
    }

    private func moduleBytes(of records: [CaptureRecord], channel: UInt32) -> [UInt8] {
        records.flatMap { record -> [UInt8] in
            guard case .chunk(let chunk) = record, chunk.channel == channel, chunk.direction == .modem else { return [] }
            return chunk.bytes
        }
    }
}

extension ReplayTiming: CustomTestStringConvertible {
    public var testDescription: String { dropsDelays ? "fast" : "speed \(speed)" }
}
