import ATTraceCore
import ATTraceReplay
import Testing

/// Replay of a session that starts the CMUX multiplexer (formats.md §5; Docs/Replay.md "How a
/// recording is built"), on a manual clock: after `AT+CMUX=0` → `OK` each host record is a
/// unit of frames, compared and sent byte for byte, answered by the module's recorded frames.
@Suite struct MultiplexedReplayTests {
    static let session = """
        @title CMUX: open DLCI 0 and 1, AT+CSQ on DLCI 1, close down, AT again
        0.000 > AT+CMUX=0<CR>
        0.020 < <CR><LF>OK<CR><LF>
        0.100 > {hex: f9 03 3f 01 1c f9}
        0.110 < {hex: f9 03 73 01 d7 f9}
        0.120 > {hex: f9 07 3f 01 de f9}
        0.130 < {hex: f9 07 73 01 15 f9}
        0.300 > {hex: f9 07 ef 0f 41 54 2b 43 53 51 0d dd f9}
        0.322 < {hex: f9 05 ef 2b 0d 0a 2b 43 53}
        0.323 < {hex: 51 3a 20 32 34 2c 39 39 0d 0a 0d 0a 4f 4b 0d 0a 83 f9}
        3.000 > {hex: f9 03 ef 05 c3 01 f2 f9}
        3.010 < {hex: f9 01 ef 05 c1 01 93 f9}
        3.500 > AT<CR>
        3.510 < <CR><LF>OK<CR><LF>
        """

    static let ok = Array("\r\nOK\r\n".utf8)
    static let sabm0 = hex("f9 03 3f 01 1c f9")
    static let ua0 = hex("f9 03 73 01 d7 f9")
    static let sabm1 = hex("f9 07 3f 01 de f9")
    static let ua1 = hex("f9 07 73 01 15 f9")
    static let csq = hex("f9 07 ef 0f 41 54 2b 43 53 51 0d dd f9")
    static let csqAnswerStart = hex("f9 05 ef 2b 0d 0a 2b 43 53")
    static let csqAnswerEnd = hex("51 3a 20 32 34 2c 39 39 0d 0a 0d 0a 4f 4b 0d 0a 83 f9")
    static let closeDown = hex("f9 03 ef 05 c3 01 f2 f9")
    static let closeDownAnswer = hex("f9 01 ef 05 c1 01 93 f9")

    static let start = Timestamp(seconds: 1_000)
    static func at(_ milliseconds: Int64) -> Timestamp { start.adding(.milliseconds(milliseconds)) }

    static func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    func modem(timing: ReplayTiming = .fast, policy: MismatchPolicy = .error) throws -> ModemImpersonator {
        var modem = ModemImpersonator(recording: try ReplaySamples.recording(script: Self.session), timing: timing,
                                      policy: policy)
        modem.start(at: Self.at(0))
        return modem
    }

    @Test func eachHostRecordAfterTheSwitchIsAUnitOfFrames() throws {
        let recording = try ReplaySamples.recording(script: Self.session)
        #expect(recording.commands.map(\.lineText) == ["AT+CMUX=0", "AT"])
        let frames = recording.steps.compactMap { step -> [UInt8]? in
            if case .frames(let frames) = step.unit { return frames.bytes }
            return nil
        }
        #expect(frames == [Self.sabm0, Self.sabm1, Self.csq, Self.closeDown])
        #expect(recording.steps.map(\.outputBytes)
                == [Self.ok, Self.ua0, Self.ua1, Self.csqAnswerStart + Self.csqAnswerEnd, Self.closeDownAnswer, Self.ok])
        // The answer's two records keep their offsets from the host's frame.
        #expect(recording.steps[3].output.map(\.offset) == [.milliseconds(22), .milliseconds(23)])
        // The DLCI's conversation is part of what a replay must reproduce.
        #expect(ConversationEssence.of(recording.decoded).contains { $0.hasPrefix("[1] transaction AT+CSQ echo=false") })
    }

    @Test func theModemAnswersEachRecordOfFramesByteForByte() throws {
        var modem = try modem()
        modem.receive(Array("AT+CMUX=0\r".utf8), at: Self.at(0))
        #expect(modem.nextAction(at: Self.at(0)) == .send(Self.ok))
        modem.receive(Self.sabm0.prefix(3), at: Self.at(10))
        #expect(modem.nextAction(at: Self.at(10)) == .wait(until: nil), "the record is awaited whole")
        modem.receive(Self.sabm0.dropFirst(3), at: Self.at(20))
        #expect(modem.nextAction(at: Self.at(20)) == .send(Self.ua0))
        // Two records in one write: each is answered in turn, in the recording's order.
        modem.receive(Self.sabm1 + Self.csq, at: Self.at(30))
        #expect(modem.nextAction(at: Self.at(30)) == .send(Self.ua1 + Self.csqAnswerStart + Self.csqAnswerEnd))
        modem.receive(Self.closeDown, at: Self.at(40))
        #expect(modem.nextAction(at: Self.at(40)) == .send(Self.closeDownAnswer))
        // The multiplexer closed: the line is AT again.
        modem.receive(Array("AT\r".utf8), at: Self.at(50))
        #expect(modem.nextAction(at: Self.at(50)) == .send(Self.ok))
        #expect(modem.nextAction(at: Self.at(50)) == .finished)
        let report = modem.report
        #expect(report.hostFollowedRecording, "\(report.deviations)")
        #expect(report.recordedFrameUnits == 4)
        #expect(report.frameMatches == 4)
        #expect(report.exactMatches == 2)
    }

    @Test func framesAreAnsweredAtTheirRecordedOffsets() throws {
        var modem = try modem(timing: .recorded)
        modem.receive(Array("AT+CMUX=0\r".utf8) + Self.sabm0 + Self.sabm1, at: Self.at(0))
        _ = modem.nextAction(at: Self.at(1_000))
        modem.receive(Self.csq, at: Self.at(1_000))
        #expect(modem.nextAction(at: Self.at(1_000)) == .wait(until: Self.at(1_022)))
        #expect(modem.nextAction(at: Self.at(1_022)) == .send(Self.csqAnswerStart))
        #expect(modem.nextAction(at: Self.at(1_022)) == .wait(until: Self.at(1_023)))
        #expect(modem.nextAction(at: Self.at(1_023)) == .send(Self.csqAnswerEnd))
    }

    @Test(arguments: MismatchPolicy.allCases)
    func framesThatDifferFollowTheMismatchPolicy(policy: MismatchPolicy) throws {
        var modem = try modem(policy: policy)
        modem.receive(Array("AT+CMUX=0\r".utf8), at: Self.at(0))
        #expect(modem.nextAction(at: Self.at(0)) == .send(Self.ok))
        // The same SABM with a wrong check: as long as the recorded record, other bytes.
        var damaged = Self.sabm0
        damaged[4] = 0x1D
        modem.receive(damaged, at: Self.at(10))
        let deviations = modem.report.deviations
        // With `stop` the replay is over, and the recorded `AT` after the multiplexer was not reached.
        #expect(deviations.map(\.kind) == (policy == .stop ? [.differentFrames, .notReached] : [.differentFrames]))
        #expect(deviations.first?.expected?.hasPrefix("record 3: 6 bytes (fnv1a ") == true, "\(deviations)")
        #expect(deviations.first?.received?.hasPrefix("6 bytes (fnv1a ") == true, "\(deviations)")
        #expect(deviations.first?.expected != "record 3: " + (deviations.first?.received ?? ""), "the hashes differ")
        switch policy {
        case .error:
            // As for a payload that differs, the module's recorded frames answer.
            #expect(modem.nextAction(at: Self.at(10)) == .send(Self.ua0))
        case .silent:
            #expect(modem.nextAction(at: Self.at(10)) == .wait(until: nil))
        case .stop:
            #expect(modem.nextAction(at: Self.at(10)) == .finished)
            #expect(modem.report.ending == .stoppedOnMismatch)
            return
        }
        // The replay goes on with the next recorded record.
        modem.receive(Self.sabm1, at: Self.at(20))
        #expect(modem.nextAction(at: Self.at(20)) == .send(Self.ua1))
        #expect(modem.report.frameMatches == 1)
        #expect(modem.report.stepsPlayed == (policy == .error ? 3 : 2))
    }

    @Test func theHostSendsFramesAsRecordedAndWaitsForTheModulesAnswer() throws {
        var host = HostDriver(recording: try ReplaySamples.recording(script: Self.session), timing: .recorded)
        #expect(host.nextAction(at: Self.at(0)) == .send(Array("AT+CMUX=0\r".utf8)))
        host.receive(Self.ok, at: Self.at(20))
        // The recorded host paused 80 ms after the OK.
        #expect(host.nextAction(at: Self.at(20)) == .wait(until: Self.at(100)))
        #expect(host.nextAction(at: Self.at(100)) == .send(Self.sabm0))
        host.receive(Self.ua0.prefix(2), at: Self.at(105))
        // Up to the recorded 10 ms and the 5 s URC grace for the rest of the answer.
        #expect(host.nextAction(at: Self.at(105)) == .wait(until: Self.at(5_110)))
        host.receive(Self.ua0.dropFirst(2), at: Self.at(110))
        #expect(host.nextAction(at: Self.at(110)) == .wait(until: Self.at(120)), "then the recorded pause")
        #expect(host.nextAction(at: Self.at(120)) == .send(Self.sabm1))
        // A module that does not answer: given up after the same bound, and the replay goes on.
        #expect(host.nextAction(at: Self.at(121)) == .wait(until: Self.at(5_130)))
        #expect(host.nextAction(at: Self.at(5_130)) == .send(Self.csq))
        #expect(host.report.count(of: .unanswered) == 1)
        #expect(host.report.frameMatches == 1)
    }

    @Test(arguments: [ReplayTiming.fast, .recorded])
    func theReplayedHostAgainstTheReplayedModemReproducesTheCMUXSample(timing: ReplayTiming) throws {
        let original = try ReplaySamples.records("cmux/cmux-basic.trace")
        let recording = try RecordingBuilder.build(from: original)
        #expect(recording.frameUnitCount == 9)
        var modem = ModemImpersonator(recording: recording, timing: timing)
        var host = HostDriver(recording: recording, timing: timing)
        var link = VirtualLink()
        #expect(link.converse(host: &host, modem: &modem), "the conversation stalled")
        #expect(host.report.hostFollowedRecording, "\(host.report.deviations)")
        #expect(host.report.frameMatches == 9)
        #expect(modem.report.hostFollowedRecording, "\(modem.report.deviations)")
        #expect(modem.report.frameMatches == 9)
        for direction in [Direction.host, .modem] {
            let recorded = original.flatMap { record -> [UInt8] in
                guard case .chunk(let chunk) = record, chunk.direction == direction else { return [] }
                return chunk.bytes
            }
            #expect(link.bytes(from: direction) == recorded, "\(direction.name) bytes")
        }
        ConversationCheck.expectSame(ATStreamDecoder.decode(link.records), as: recording.decoded, "cmux-basic")
    }
}
