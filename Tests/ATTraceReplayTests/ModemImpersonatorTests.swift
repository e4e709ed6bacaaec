import ATTraceCore
import ATTraceReplay
import Testing

/// The replayed modem step by step, on a manual clock (issue 5 §1, §4): matching,
/// `--on-mismatch`, payloads, data mode and the `+++` guard times, and timing scaled by
/// `--speed` or dropped by `--fast`.
@Suite struct ModemImpersonatorTests {
    static let session = """
        @title SSL send, then transparent mode
        0.000 > AT+QSSLOPEN=1,1,4,"220.180.239.212",8010,0<CR>
        0.030 < <CR><LF>OK<CR><LF>
        1.800 < <CR><LF>+QSSLOPEN: 4,0<CR><LF>
        3.000 > AT+QSSLSEND=4,5<CR>
        3.020 < <CR><LF>><SP>
        3.100 > hello
        3.150 < <CR><LF>SEND OK<CR><LF>
        4.000 > AT+QSSLSEND=4<CR>
        4.020 < <CR><LF>><SP>
        4.100 > abc<SUB>
        4.150 < <CR><LF>SEND OK<CR><LF>
        5.000 > ATO<CR>
        5.020 < <CR><LF>CONNECT<CR><LF>
        5.500 > ping
        5.600 < pong
        7.000 > +++
        8.100 < <CR><LF>OK<CR><LF>
        9.000 > AT+QSSLCLOSE=4<CR>
        9.300 < <CR><LF>OK<CR><LF>
        """

    /// A manual clock: every time is `start` plus a number of milliseconds.
    static let start = Timestamp(seconds: 1_000)
    static func at(_ milliseconds: Int64) -> Timestamp { start.adding(.milliseconds(milliseconds)) }

    /// Everything the modem sends up to `milliseconds`, with when it sent it.
    static func output(of modem: inout ModemImpersonator, until milliseconds: Int64) -> [(Int64, String)] {
        var sent: [(Int64, String)] = []
        var now = at(0)
        while true {
            switch modem.nextAction(at: now) {
            case .send(let bytes):
                sent.append(((now.nanoseconds - start.nanoseconds) / 1_000_000, ByteText.string(bytes)))
            case .finished:
                return sent
            case .wait(let until):
                guard let until, until <= at(milliseconds) else { return sent }
                now = until
            }
        }
    }

    func modem(timing: ReplayTiming = .recorded, policy: MismatchPolicy = .error) throws -> ModemImpersonator {
        var modem = ModemImpersonator(recording: try ReplaySamples.recording(script: Self.session), timing: timing, policy: policy)
        modem.start(at: Self.at(0))
        return modem
    }

    @Test func answersAtTheRecordedDelaysAfterTheHostsCommand() throws {
        var modem = try modem()
        modem.receive(Array("AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r".utf8), at: Self.at(100))
        let sent = Self.output(of: &modem, until: 5_000)
        // OK 30 ms and the URC 1800 ms after the command, as recorded.
        #expect(sent.map(\.0) == [130, 1_900])
        #expect(sent.map(\.1) == ["\r\nOK\r\n", "\r\n+QSSLOPEN: 4,0\r\n"])
    }

    @Test(arguments: [(2.0, [115, 1_000]), (0.5, [160, 3_700])])
    func speedScalesTheDelays(speed: Double, expected: [Int64]) throws {
        var modem = try modem(timing: ReplayTiming(speed: speed))
        modem.receive(Array("AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r".utf8), at: Self.at(100))
        #expect(Self.output(of: &modem, until: 10_000).map(\.0) == expected)
    }

    @Test func fastDropsTheDelaysButWaitsForTheHost() throws {
        var modem = try modem(timing: .fast)
        #expect(modem.nextAction(at: Self.at(0)) == .wait(until: nil), "nothing before the host's command")
        modem.receive(Array("AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r".utf8), at: Self.at(100))
        #expect(modem.nextAction(at: Self.at(100)) == .send(Array("\r\nOK\r\n\r\n+QSSLOPEN: 4,0\r\n".utf8)))
        modem.receive(Array("AT+QSSLSEND=4,5\r".utf8), at: Self.at(200))
        #expect(modem.nextAction(at: Self.at(200)) == .send(Array("\r\n> ".utf8)))
        modem.receive(Array("hell".utf8), at: Self.at(210))
        #expect(modem.nextAction(at: Self.at(210)) == .wait(until: nil), "the payload has 5 bytes")
        modem.receive(Array("o".utf8), at: Self.at(220))
        #expect(modem.nextAction(at: Self.at(220)) == .send(Array("\r\nSEND OK\r\n".utf8)))
    }

    @Test func aVariablePayloadEndsWithCtrlZ() throws {
        var modem = try modem(timing: .fast)
        for line in ["AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r", "AT+QSSLSEND=4,5\r", "hello", "AT+QSSLSEND=4\r", "abc"] {
            modem.receive(Array(line.utf8), at: Self.at(100))
            _ = Self.output(of: &modem, until: 100)
        }
        #expect(modem.nextAction(at: Self.at(100)) == .wait(until: nil), "no answer before Ctrl+Z")
        modem.receive([0x1A], at: Self.at(150))
        #expect(modem.nextAction(at: Self.at(150)) == .send(Array("\r\nSEND OK\r\n".utf8)))
        #expect(modem.report.deviations.isEmpty)
    }

    @Test func aLineOfTheSameCommandMatchesByNameAndForm() throws {
        var modem = try modem(timing: .fast)
        modem.receive(Array("AT+QSSLOPEN=1,1,4,\"10.0.0.1\",443,0\r".utf8), at: Self.at(100))
        #expect(modem.nextAction(at: Self.at(100)) == .send(Array("\r\nOK\r\n\r\n+QSSLOPEN: 4,0\r\n".utf8)))
        // Another length: the payload is as long as the host's own line says.
        modem.receive(Array("AT+QSSLSEND=4,3\r".utf8), at: Self.at(200))
        _ = Self.output(of: &modem, until: 200)
        modem.receive(Array("abc".utf8), at: Self.at(210))
        #expect(modem.nextAction(at: Self.at(210)) == .send(Array("\r\nSEND OK\r\n".utf8)))
        let kinds = modem.report.deviations.map(\.kind)
        #expect(kinds == [.differentLine, .differentLine, .differentPayload])
        #expect(modem.report.deviations[0].received == "AT+QSSLOPEN=1,1,4,\"10.0.0.1\",443,0")
        #expect(modem.report.nameMatches == 2)
    }

    @Test func onMismatchErrorAnswersErrorAndGoesOn() throws {
        var modem = try modem(timing: .fast, policy: .error)
        modem.receive(Array("AT+CGMR\r".utf8), at: Self.at(100))
        #expect(modem.nextAction(at: Self.at(100)) == .send(Array("\r\nERROR\r\n".utf8)))
        modem.receive(Array("AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r".utf8), at: Self.at(200))
        #expect(modem.nextAction(at: Self.at(200)) == .send(Array("\r\nOK\r\n\r\n+QSSLOPEN: 4,0\r\n".utf8)))
        let deviation = try #require(modem.report.deviations.first)
        #expect(deviation.kind == .unexpectedCommand)
        #expect(deviation.received == "AT+CGMR")
        #expect(deviation.expected == "AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0")
    }

    @Test func onMismatchSilentAnswersNothing() throws {
        var modem = try modem(timing: .fast, policy: .silent)
        modem.receive(Array("AT+CGMR\r".utf8), at: Self.at(100))
        #expect(modem.nextAction(at: Self.at(100)) == .wait(until: nil))
        #expect(modem.report.count(of: .unexpectedCommand) == 1)
    }

    @Test func onMismatchStopEndsTheReplay() throws {
        var modem = try modem(timing: .fast, policy: .stop)
        modem.receive(Array("AT+CGMR\r".utf8), at: Self.at(100))
        #expect(modem.nextAction(at: Self.at(100)) == .finished)
        #expect(modem.report.ending == .stoppedOnMismatch)
        #expect(!modem.report.hostFollowedRecording)
        #expect(modem.report.count(of: .notReached) == 5, "the recorded commands never sent")
    }

    @Test func aSkippedCommandIsReported() throws {
        var modem = try modem(timing: .fast)
        modem.receive(Array("AT+QSSLCLOSE=4\r".utf8), at: Self.at(100))
        #expect(modem.nextAction(at: Self.at(100)) == .send(Array("\r\nOK\r\n".utf8)))
        #expect(modem.report.count(of: .skippedCommand) == 4)
        #expect(modem.nextAction(at: Self.at(100)) == .finished)
    }

    /// Drives the modem to data mode after `ATO` (at 400 ms) with `ping` sent at 500 ms.
    func inDataMode(guardTime: Duration = .seconds(1)) throws -> ModemImpersonator {
        var modem = try modem(timing: ReplayTiming(dropsDelays: true, escapeGuard: guardTime))
        for line in ["AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r", "AT+QSSLSEND=4,5\r", "hello", "AT+QSSLSEND=4\r",
                     "abc\u{1A}", "ATO\r"] {
            modem.receive(Array(line.utf8), at: Self.at(400))
            _ = Self.output(of: &modem, until: 400)
        }
        #expect(modem.nextAction(at: Self.at(450)) == .wait(until: nil), "pong answers the host's data")
        modem.receive(Array("ping".utf8), at: Self.at(500))
        #expect(modem.nextAction(at: Self.at(500)) == .send(Array("pong".utf8)))
        return modem
    }

    @Test func anEscapeWithItsGuardTimesIsAnsweredOK() throws {
        var modem = try inDataMode()
        modem.receive(Array("+++".utf8), at: Self.at(1_600))
        // Guard rule 3: the answer only after a second of silence.
        #expect(modem.nextAction(at: Self.at(2_599)) == .wait(until: Self.at(2_600)))
        #expect(modem.nextAction(at: Self.at(2_600)) == .send(Array("\r\nOK\r\n".utf8)))
        modem.receive(Array("AT+QSSLCLOSE=4\r".utf8), at: Self.at(3_000))
        #expect(modem.nextAction(at: Self.at(3_000)) == .send(Array("\r\nOK\r\n".utf8)))
        #expect(modem.nextAction(at: Self.at(3_000)) == .finished)
        #expect(modem.report.hostFollowedRecording, "\(modem.report.deviations)")
        #expect(modem.report.hostDataBytes == 4)
    }

    @Test func plusSignsFollowedByDataAreData() throws {
        var modem = try inDataMode()
        modem.receive(Array("+++".utf8), at: Self.at(1_600))
        modem.receive(Array("x".utf8), at: Self.at(2_000))
        #expect(modem.nextAction(at: Self.at(5_000)) == .wait(until: nil))
        #expect(modem.report.hostDataBytes == 8)
    }

    @Test func plusSignsWithoutSilenceBeforeAreData() throws {
        var modem = try inDataMode()
        modem.receive(Array("+++".utf8), at: Self.at(600))
        #expect(modem.nextAction(at: Self.at(5_000)) == .wait(until: nil), "100 ms after data: no escape")
        #expect(modem.report.hostDataBytes == 7)
    }

    @Test func echoFollowsTheHostsBytesAsTheyArrive() throws {
        let recording = try ReplaySamples.recording("protocols/echo-typed-by-hand.trace")
        var modem = ModemImpersonator(recording: recording, timing: .fast)
        modem.start(at: Self.at(0))
        var echoed: [UInt8] = []
        for byte in Array("AT+CSQ".utf8) {
            modem.receive([byte], at: Self.at(10))
            guard case .send(let bytes) = modem.nextAction(at: Self.at(10)) else { continue }
            echoed += bytes
        }
        #expect(echoed == Array("AT+CSQ".utf8))
        modem.receive([0x0D], at: Self.at(20))
        #expect(modem.nextAction(at: Self.at(20)) == .send(Array("\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n".utf8)))
    }
}
