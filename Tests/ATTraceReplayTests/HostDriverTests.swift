import ATTraceCore
import ATTraceReplay
import Testing

/// The replayed host step by step, on a manual clock (issue 5 §2): it waits for the final
/// result, for the prompt before a payload and for the URC the recorded host waited for,
/// then for the recorded pause, scaled by `--speed`.
@Suite struct HostDriverTests {
    static let session = """
        @title open, wait for the URC, send
        0.000 > AT+QSSLOPEN=1,1,4,"220.180.239.212",8010,0<CR>
        0.030 < <CR><LF>OK<CR><LF>
        1.800 < <CR><LF>+QSSLOPEN: 4,0<CR><LF>
        2.800 > AT+QSSLSEND=4,5<CR>
        2.820 < <CR><LF>><SP>
        2.920 > hello
        2.970 < <CR><LF>SEND OK<CR><LF>
        """

    static let start = Timestamp(seconds: 1_000)
    static func at(_ milliseconds: Int64) -> Timestamp { start.adding(.milliseconds(milliseconds)) }

    func driver(speed: Double = 1) throws -> HostDriver {
        HostDriver(recording: try ReplaySamples.recording(script: Self.session), timing: ReplayTiming(speed: speed))
    }

    @Test(arguments: [(1.0, Int64(2_000)), (2.0, Int64(1_500)), (0.5, Int64(3_000))])
    func waitsForTheAnswerTheURCAndTheRecordedPause(speed: Double, nextCommandAt: Int64) throws {
        var host = try driver(speed: speed)
        #expect(host.nextAction(at: Self.at(0)) == .send(Array("AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r".utf8)))
        host.receive(Array("\r\nOK\r\n".utf8), at: Self.at(10))
        guard case .wait(let until?) = host.nextAction(at: Self.at(10)) else {
            Issue.record("the driver waits for the +QSSLOPEN result")
            return
        }
        #expect(until > Self.at(150_000), "up to the catalog deadline of the asynchronous result")
        host.receive(Array("\r\n+QSSLOPEN: 4,0\r\n".utf8), at: Self.at(1_000))
        // The recorded host paused 1 s after the URC.
        #expect(host.nextAction(at: Self.at(1_000)) == .wait(until: Self.at(nextCommandAt)))
        #expect(host.nextAction(at: Self.at(nextCommandAt)) == .send(Array("AT+QSSLSEND=4,5\r".utf8)))
    }

    @Test func sendsThePayloadAfterThePromptAndFinishesWithTheAnswer() throws {
        var host = HostDriver(recording: try ReplaySamples.recording(script: Self.session), timing: .fast)
        _ = host.nextAction(at: Self.at(0))
        host.receive(Array("\r\nOK\r\n\r\n+QSSLOPEN: 4,0\r\n".utf8), at: Self.at(10))
        #expect(host.nextAction(at: Self.at(10)) == .send(Array("AT+QSSLSEND=4,5\r".utf8)))
        #expect(host.nextAction(at: Self.at(20)) != .send(Array("hello".utf8)), "not before the prompt")
        host.receive(Array("\r\n> ".utf8), at: Self.at(30))
        #expect(host.nextAction(at: Self.at(30)) == .send(Array("hello".utf8)))
        #expect(host.nextAction(at: Self.at(40)) != .finished, "the answer is still due")
        host.receive(Array("\r\nSEND OK\r\n".utf8), at: Self.at(50))
        #expect(host.nextAction(at: Self.at(50)) == .finished)
        #expect(host.report.hostFollowedRecording)
    }

    @Test func aCommandWithoutAnswerIsGivenUpAfterItsMaximumResponseTime() throws {
        var host = HostDriver(recording: try ReplaySamples.recording("failures/unanswered-command.trace"), timing: .fast)
        #expect(host.nextAction(at: Self.at(0)) == .send(Array("AT+CSQ\r".utf8)))
        // AT+CSQ: 300 ms in the catalog, and a tenth more before giving up.
        #expect(host.nextAction(at: Self.at(100)) == .wait(until: Self.at(331)))
        #expect(host.nextAction(at: Self.at(331)) == .send(Array("AT\r".utf8)))
        #expect(host.report.count(of: .unanswered) == 1)
    }
}

/// A long transparent-mode session: the recorded host data goes out item by item in linear
/// time (each item taken from the front of the session copied all the items left).
@Suite(.timeLimit(.minutes(1))) struct HostDriverLongDataSessionTests {
    @Test func longDataSessionIsLinear() throws {
        let count = 100_000
        var script = "@title a long transparent upload\n0.000 > ATO<CR>\n0.020 < <CR><LF>CONNECT<CR><LF>\n"
        // One host run per item: the module's data in between ends each run (product.md §7.4).
        for index in 0..<count {
            script += "\(1_000 + index * 2).000 > data\n\(1_001 + index * 2).000 < ok\n"
        }
        var host = HostDriver(recording: try ReplaySamples.recording(script: script), timing: .fast)
        let start = Timestamp(seconds: 1_000)
        #expect(host.nextAction(at: start) == .send(Array("ATO\r".utf8)))
        host.receive(Array("\r\nCONNECT\r\n".utf8), at: start)
        var sent = 0
        while case .send = host.nextAction(at: start) { sent += 1 }
        #expect(sent == count)
    }
}
