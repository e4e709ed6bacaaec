import Testing
@testable import ATTraceCore

@Suite struct DecoderBasicsTests {
    /// quectel-ssl.md §9 G3 (buffer access mode), echo off.
    static func g3() -> Conversation {
        var c = Conversation()
        c.host(0.000, "AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r")
        c.modem(0.030, "\r\nOK\r\n")
        c.modem(1.800, "\r\n+QSSLOPEN: 4,0\r\n")
        c.host(2.000, "AT+QSSLSTATE\r")
        c.modem(2.030, "\r\n+QSSLSTATE: 4,\"SSLClient\",\"220.180.239.212\",8010,65344,2,1,4,0,\"usbmodem\",1\r\n\r\nOK\r\n")
        c.host(3.000, "AT+QSSLSEND=4\r")
        c.modem(3.020, "\r\n> ")
        c.host(3.100, "Test data from SSL\u{1A}")
        c.modem(3.150, "\r\nSEND OK\r\n")
        c.host(4.000, "AT+QSSLSEND=4,18\r")
        c.modem(4.020, "\r\n> ")
        c.host(4.100, "Test data from SSL")
        c.modem(4.150, "\r\nSEND OK\r\n")
        c.modem(5.000, "\r\n+QSSLURC: \"recv\",4\r\n")
        c.host(5.100, "AT+QSSLRECV=4,1500\r")
        c.modem(5.130, "\r\n+QSSLRECV: 18\r\nTest data from SSL\r\n\r\nOK\r\n")
        c.host(5.300, "AT+QSSLRECV=4,1500\r")
        c.modem(5.320, "\r\n+QSSLRECV: 0\r\n\r\nOK\r\n")
        c.host(6.000, "AT+QSSLCLOSE=4\r")
        c.modem(6.300, "\r\nOK\r\n")
        return c
    }

    @Test func bufferModeSession() {
        let out = Self.g3().decode()
        let t = out.transactions
        #expect(t.count == 7)
        #expect(t.map(\.name) == ["AT+QSSLOPEN", "AT+QSSLSTATE", "AT+QSSLSEND", "AT+QSSLSEND", "AT+QSSLRECV", "AT+QSSLRECV", "AT+QSSLCLOSE"])
        #expect(t.allSatisfy { $0.status == .ok })
        #expect(t[2].tx?.bytes == Array("Test data from SSL".utf8))
        #expect(t[2].tx?.end == .ctrlZ)
        #expect(t[2].hasPrompt)
        #expect(t[3].tx?.end == .count)
        #expect(t[3].tx?.declaredLength == 18)
        #expect(t[4].rx?.bytes == Array("Test data from SSL".utf8))
        #expect(t[4].responseTexts == ["+QSSLRECV: 18"])
        #expect(t[5].rx?.length == 0)
        #expect(t[6].finalText == "OK")
        #expect(out.urcs.map(\.name) == ["+QSSLOPEN", "+QSSLURC"])
        #expect(out.urcs[0].transaction == 1)
        #expect(out.diagnostics.isEmpty)
        // Latency of the variable send runs from Ctrl+Z to SEND OK (product.md §7.2).
        #expect(t[2].latency == Duration.milliseconds(50))
        #expect(t[0].latency == Duration.milliseconds(30))
    }

    @Test func echoIsAttachedToItsCommand() {
        var c = Conversation()
        c.host(0.0, "AT+CSQ\r")
        c.modem(0.01, "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        c.host(0.1, "AT+QSSLSEND=4,5\r")
        c.modem(0.11, "AT+QSSLSEND=4,5\r")
        c.modem(0.12, "\r\n> ")
        c.host(0.2, "hello")
        c.modem(0.25, "\r\nSEND OK\r\n")
        let out = c.decode()
        #expect(out.diagnostics.isEmpty)
        #expect(out.transactions.count == 2)
        #expect(out.transactions.allSatisfy { $0.hasEcho })
        #expect(out.transactions[0].responseTexts == ["+CSQ: 20,99"])
        #expect(out.transactions[1].tx?.bytes == Array("hello".utf8))
    }

    /// A recurring line shares its bytes and parse (the decoder's line cache); a line of
    /// the same length that differs is parsed afresh, and `A/` still repeats the last line.
    @Test func repeatedCommandLinesAreParsedLikeAnyOther() {
        var c = Conversation()
        c.host(0.0, "AT+QSSLRECV=4,1500\r")
        c.modem(0.01, "\r\n+QSSLRECV: 3\r\nabc\r\nOK\r\n")
        c.host(0.1, "AT+QSSLRECV=4,1500\r")
        c.modem(0.11, "\r\n+QSSLRECV: 2\r\nde\r\nOK\r\n")
        c.host(0.2, "AT+QSSLRECV=5,1500\r")
        c.modem(0.21, "\r\n+QSSLRECV: 0\r\n\r\nOK\r\n")
        c.host(0.3, "A/")
        c.modem(0.31, "\r\n+QSSLRECV: 1\r\nf\r\nOK\r\n")
        let t = c.decode().transactions
        #expect(t.map(\.id) == [1, 2, 3, 4])
        #expect(t.map { $0.commands[0].integer(0) } == [4, 4, 5, nil])
        #expect(t[2].commandLine == Array("AT+QSSLRECV=5,1500".utf8))
        #expect(t[3].repeatedLine == Array("AT+QSSLRECV=5,1500".utf8))
        #expect(t.map { $0.rx?.bytes ?? [] } == [Array("abc".utf8), Array("de".utf8), [], Array("f".utf8)])
    }

    @Test func urcBetweenCommandAndFinalAndAfterPrompt() {
        var c = Conversation()
        c.host(0.0, "AT+COPS?\r")
        c.modem(0.1, "\r\n+CREG: 1\r\n")
        c.modem(0.2, "\r\n+COPS: 0,0,\"Operator\",7\r\n\r\nOK\r\n")
        c.host(1.0, "AT+QSSLSEND=4\r")
        c.modem(1.01, "\r\n> ")
        c.modem(1.02, "\r\n+QSSLURC: \"recv\",4\r\n")
        c.host(1.1, "abc\u{1A}")
        c.modem(1.2, "\r\nSEND OK\r\n")
        let out = c.decode()
        #expect(out.diagnostics.isEmpty)
        #expect(out.transactions.map(\.responseTexts) == [["+COPS: 0,0,\"Operator\",7"], []])
        #expect(out.urcs.map(\.name) == ["+CREG", "+QSSLURC"])
        #expect(out.urcs[0].duringTransaction == 1)
        #expect(out.transactions[1].tx?.bytes == Array("abc".utf8))
    }

    /// Named after the bug: 20,000 commands that were never answered, all at one time (a
    /// damaged log), took minutes, as every command scanned every earlier one. Beyond 256
    /// waiting commands the oldest is given up, as it would be at the next command after
    /// its deadline, and the decoder streams it out at once.
    @Test func unansweredCommandFloodIsBounded() {
        var decoder = ATStreamDecoder()
        var out: [DecodedRecord] = []
        // The last line waits for a possible <LF>: of the 267 lines fed, 266 start commands.
        let count = ChannelDecoder.maximumPending + 11
        for index in 0..<count {
            decoder.feed(.chunk(TraceChunk(time: Conversation.base, frame: index + 1, channel: 0,
                                           direction: .host, bytes: Array("AT+CSQ\r".utf8))))
            while let record = decoder.nextRecord() { out.append(record) }
        }
        // Streamed before the input ends: the ten oldest, given up for the newer commands.
        #expect(out.transactions.map(\.id) == Array(1...10))
        #expect(out.transactions.allSatisfy { $0.status == .unanswered && $0.abandonment == .nextCommand(Conversation.base) })
        decoder.finish()
        while let record = decoder.nextRecord() { out.append(record) }
        #expect(out.transactions.count == count)
    }

    @Test func binaryPayloadsContainingResultCodes() {
        var c = Conversation()
        let evil = "\r\nOK\r\n+QSSLURC: \"closed\",4\r\n\u{0}\u{1A}x"
        c.host(0.0, "AT+QSSLSEND=4,\(evil.utf8.count)\r")
        c.modem(0.01, "\r\n> ")
        c.host(0.02, evil)
        c.modem(0.05, "\r\nSEND OK\r\n")
        c.host(1.0, "AT+QSSLRECV=4,1500\r")
        c.modem(1.01, "\r\n+QSSLRECV: \(evil.utf8.count)\r\n\(evil)\r\n\r\nOK\r\n")
        c.modem(2.0, "\r\n+QSSLURC: \"recv\",4,\(evil.utf8.count)\r\n\(evil)")
        c.host(3.0, "AT\r")
        c.modem(3.01, "\r\nOK\r\n")
        let out = c.decode()
        #expect(out.diagnostics.isEmpty)
        #expect(out.transactions.count == 3)
        #expect(out.transactions[0].tx?.bytes == Array(evil.utf8))
        #expect(out.transactions[1].rx?.bytes == Array(evil.utf8))
        #expect(out.urcs.count == 1)
        #expect(out.urcs[0].payload?.bytes == Array(evil.utf8))
        #expect(out.transactions[2].finalText == "OK")
    }

    @Test func transparentModeWithEscape() {
        var c = Conversation()
        c.host(0.0, "AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8011,2\r")
        c.modem(1.9, "\r\nCONNECT\r\n")
        c.host(2.5, "Test data from SSL")
        c.modem(2.6, "AT+FAKE\r\nOK\r\n")
        c.host(4.0, "+++")
        c.modem(5.1, "\r\nOK\r\n")
        c.host(6.0, "AT+QSSLCLOSE=4\r")
        c.modem(6.3, "\r\nOK\r\n")
        let out = c.decode()
        #expect(out.diagnostics.isEmpty)
        #expect(out.transactions.map(\.finalText) == ["CONNECT", "OK"])
        #expect(out.dataRuns.map(\.direction) == [.host, .modem])
        #expect(out.dataRuns[1].payload.bytes == Array("AT+FAKE\r\nOK\r\n".utf8))
        #expect(out.modes.map(\.reason) == [.connect, .escape])
        #expect(out.modes[1].text == Array("+++".utf8))
        #expect(out.modes[1].final == Array("OK".utf8))
        #expect(out.modes[1].escapeGuard?.isRespected() == true)
    }

    @Test func noCarrierEndsDataMode() {
        var c = Conversation()
        c.host(0.0, "AT+QSSLOPEN=1,1,4,\"h\",1,2\r")
        c.modem(1.0, "\r\nCONNECT\r\n")
        c.host(2.0, "abc")
        c.modem(3.0, "xyz\r\nNO CARRIER\r\n")
        c.host(4.0, "AT+QSSLCLOSE=4\r")
        c.modem(4.1, "\r\nOK\r\n")
        let out = c.decode()
        #expect(out.diagnostics.isEmpty)
        #expect(out.modes.map(\.reason) == [.connect, .noCarrier])
        #expect(out.dataRuns.map { String(decoding: $0.payload.bytes, as: UTF8.self) } == ["abc", "xyz"])
        #expect(out.transactions.count == 2)
    }

    @Test func plusPlusPlusWithoutOKIsData() {
        var c = Conversation()
        c.host(0.0, "ATD*99#\r")
        c.modem(0.1, "\r\nCONNECT 150000000\r\n")
        c.host(1.0, "+++")
        c.modem(1.5, "more data")
        c.host(2.0, "tail")
        let out = c.decode()
        #expect(out.modes.count == 1)
        #expect(out.dataRuns.map { String(decoding: $0.payload.bytes, as: UTF8.self) } == ["+++", "more data", "tail"])
    }

    @Test func byteAccountingIsExact() {
        for conversation in [Self.g3()] {
            let out = conversation.decode()
            let accounting = byteAccounting(input: conversation.records, output: out)
            #expect(accounting.input == accounting.output)
        }
    }
}
