import ATTraceCore
import Testing
@testable import ATTraceImport

/// The dialects that show lines without direction markers or with arrows: raw, TinyGSM,
/// the serial monitor, the arrow-pair family.
@Suite struct LineLogImporterTests {
    @Test func rawPasteIsRebuiltAndInferred() throws {
        let log = """
            AT+QSSLSEND=4,5
            > hello
            SEND OK

            Can anyone tell me why the socket closes here?
            AT+CPIN?\r\r+CPIN: READY\rOK
            """
        let records = try FieldLogImporter.records(log, .raw)
        #expect(records.rows == ["? AT+QSSLSEND=4,5<CR>", "? <CR><LF>> ", "? hello", "? <CR><LF>SEND OK<CR><LF>",
                                 "? AT+CPIN?<CR>", "? <CR><LF>+CPIN: READY<CR><LF>", "? <CR><LF>OK<CR><LF>"])
        #expect(records.chunks.allSatisfy { $0.direction == .unknown })
        #expect(records.startEvent?["framing"]?.stringValue == "reconstructed")
        #expect(records.startEvent?["clock"]?.stringValue == "none")
        #expect(records.chunks.allSatisfy { $0.time == Timestamp(nanoseconds: 0) })
        #expect(records.diagnostics.first?.message.contains("Can anyone tell me") == true)
        let decoded = records.decoded()
        #expect(decoded.summary == ["AT+QSSLSEND=SEND OK", "AT+CPIN=OK"])
        #expect(decoded.transactions.first?.tx?.bytes == Array("hello".utf8))
    }

    @Test func collapsedRawPasteIsSplitBeforeCommandsAndResults() throws {
        let records = try FieldLogImporter.records("AT+CSQ +CSQ: 24,99 OK AT+QISEND=0,5 > hello SEND OK", .raw)
        #expect(records.rows == ["? AT+CSQ<CR>", "? <CR><LF>+CSQ: 24,99<CR><LF>", "? <CR><LF>OK<CR><LF>", "? AT+QISEND=0,5<CR>",
                                 "? <CR><LF>> ", "? hello", "? <CR><LF>SEND OK<CR><LF>"])
    }

    @Test func collapsedRawCountedPayloadIsTakenByItsCount() throws {
        // The 5 bytes after `+QIRD: 5` are data, then `OK`; data that looks like traffic
        // (`OK AT`) is not split; the same for `+QSSLRECV:`, a URC's payload and `CONNECT <n>`.
        let records = try FieldLogImporter.records("AT+QIRD=0,1500 +QIRD: 5 abcde OK AT+QSSLRECV=4,1500 +QSSLRECV: 5 OK AT OK", .raw)
        #expect(records.rows == ["? AT+QIRD=0,1500<CR>", "? <CR><LF>+QIRD: 5<CR><LF>", "? abcde", "? <CR><LF>OK<CR><LF>",
                                 "? AT+QSSLRECV=4,1500<CR>", "? <CR><LF>+QSSLRECV: 5<CR><LF>", "? OK AT", "? <CR><LF>OK<CR><LF>"])
        let decoded = records.decoded()
        #expect(decoded.summary == ["AT+QIRD=OK", "AT+QSSLRECV=OK"])
        #expect(decoded.transactions.map { $0.rx?.bytes } == [Array("abcde".utf8), Array("OK AT".utf8)])
        let others = try FieldLogImporter.records(#"AT+QFREAD=1,5 CONNECT 5 hello OK +QSSLURC: "recv",4,3 abc"#, .raw)
        #expect(others.rows == ["? AT+QFREAD=1,5<CR>", "? <CR><LF>CONNECT 5<CR><LF>", "? hello", "? <CR><LF>OK<CR><LF>",
                                #"? <CR><LF>+QSSLURC: "recv",4,3<CR><LF>"#, "? abc"])
        // A header at the end of one line, its data and the result on the next.
        let wrapped = try FieldLogImporter.records("AT+QIRD=0,1500 +QIRD: 5\nab OK OK AT+CSQ OK", .raw)
        #expect(wrapped.decoded().transactions.map { $0.rx?.bytes } == [Array("ab OK".utf8), nil])
        // A count the line does not bear out (the data's own line end collapsed too) is
        // left as it was: no data is cut out and the `OK` still ends the command.
        let lying = try FieldLogImporter.records("AT+QIRD=0,1500 +QIRD: 6 ab cd OK AT+CSQ OK", .raw)
        #expect(lying.rows == ["? AT+QIRD=0,1500<CR>", "? <CR><LF>+QIRD: 6 ab cd<CR><LF>", "? <CR><LF>OK<CR><LF>",
                               "? AT+CSQ<CR>", "? <CR><LF>OK<CR><LF>"])
        // TinyGSM hands the traffic after a library line's text over whole.
        let tinyGSM = try FieldLogImporter.records(
            "[1520] ### TinyGSM Version: 0.12.0 [2930] ### Modem: Quectel BG96 AT+QIRD=0,1500 +QIRD: 5 ab OK OK", .tinyGSM)
        #expect(tinyGSM.decoded().transactions.map { $0.rx?.bytes } == [Array("ab OK".utf8)])
    }

    @Test func collapsedRawTrailingProseIsSkipped() throws {
        let records = try FieldLogImporter.records("AT+CSQ +CSQ: 24,99 OK AT+QIACT=1 OK Any idea what is wrong?", .raw)
        #expect(records.rows == ["? AT+CSQ<CR>", "? <CR><LF>+CSQ: 24,99<CR><LF>", "? <CR><LF>OK<CR><LF>", "? AT+QIACT=1<CR>",
                                 "? <CR><LF>OK<CR><LF>"])
        #expect(records.decoded().summary == ["AT+CSQ=OK", "AT+QIACT=OK"])
        #expect(records.diagnostics.last?.message == #"skipped 1 line that is not traffic, e.g. line 1: "Any idea what is wrong?""#)
        // After a result code of several words too; a module's own text is not prose.
        let send = try FieldLogImporter.records("AT+QISEND=0,5 > hello SEND OK thanks for any help here", .raw)
        #expect(send.rows.last == "? <CR><LF>SEND OK<CR><LF>")
        #expect(send.diagnostics.contains { $0.code == .skippedLines })
        let error = try FieldLogImporter.records("AT+QIACT=1 +CME ERROR: operation not allowed in this state", .raw)
        #expect(error.rows.last == "? <CR><LF>+CME ERROR: operation not allowed in this state<CR><LF>")
        #expect(!error.diagnostics.contains { $0.code == .skippedLines })
    }

    @Test func resultCodesOfSeveralWordsAreNotSplit() throws {
        // `ERROR` after `+CME ` and `RDY` after `APP ` are not result codes of their own.
        let records = try FieldLogImporter.records("APP RDY AT+CPIN? +CME ERROR: 10 AT+QIACT=1 OK", .raw)
        #expect(records.rows == ["? <CR><LF>APP RDY<CR><LF>", "? AT+CPIN?<CR>", "? <CR><LF>+CME ERROR: 10<CR><LF>",
                                 "? AT+QIACT=1<CR>", "? <CR><LF>OK<CR><LF>"])
        let log = "[1744] ### Modem: BG96\nAT+CPIN?\n\n+CME ERROR: 10\nAT+CSQ\n\n+CSQ: 20,99\n\nOK"
        let tinyGSM = try FieldLogImporter.records(log, .tinyGSM)
        #expect(tinyGSM.decoded().summary == ["AT+CPIN=+CME ERROR: 10", "AT+CSQ=OK"])
    }

    @Test func tinyGSMLibraryLinesGiveTheTime() throws {
        let log = """
            [2930] ### Modem: Quectel BG96
            AT+QIRD=0,1500
            +QIRD: 4
            ping
            OK
            [3100] ### Unhandled: +QIURC: "closed",0
            """
        let records = try FieldLogImporter.records(log, .tinyGSM)
        #expect(records.rows == ["? AT+QIRD=0,1500<CR>", "? <CR><LF>+QIRD: 4<CR><LF>", "? ping", "? <CR><LF>OK<CR><LF>"])
        #expect(records.chunks.allSatisfy { $0.time == Timestamp(nanoseconds: 2_930_000_000) })
        #expect(records.startEvent?["clock"]?.stringValue == "relative")
        #expect(records.diagnostics.first?.message.hasPrefix("skipped 2 lines") == true)
        #expect(records.decoded().transactions.first?.rx?.bytes == Array("ping".utf8))
    }

    @Test func serialMonitorWrapsAnotherDialect() throws {
        let log = """
            23:59:59.900 -> [1520] ### TinyGSM Version: 0.12.0
            23:59:59.950 -> AT+CSQ
            00:00:00.010 -> +CSQ: 24,99
            00:00:00.011 -> OK
            """
        let records = try FieldLogImporter.importLog(log)
        let start = try #require(records.startEvent)
        #expect(start["dialect"]?.stringValue == "serial-monitor")
        #expect(start["wraps"]?.stringValue == "tinygsm")
        #expect(start["clock"]?.stringValue == "time-of-day")
        // Past midnight the day goes on instead of the clock running back.
        let day: Int64 = 86_400_000_000_000
        #expect(records.chunks.map(\.time.nanoseconds) == [day - 50_000_000, day + 10_000_000, day + 11_000_000])
        #expect(records.diagnostics.allSatisfy { $0.code != .timeWentBackwards })
        #expect(records.decoded().summary == ["AT+CSQ=OK"])
    }

    @Test func arrowMeaningsAreLearnt() throws {
        // `<-` is the host's here: its lines are the commands.
        let log = """
            <- AT+QHTTPGET=60 (20736)
            -> OK (20740)
            -> +QHTTPGET: 0,200,1024 (21900)
            """
        let records = try FieldLogImporter.importLog(log)
        #expect(records.startEvent?["dialect"]?.stringValue == "arrow-pair")
        #expect(records.rows == ["> AT+QHTTPGET=60<CR>", "< <CR><LF>OK<CR><LF>", "< <CR><LF>+QHTTPGET: 0,200,1024<CR><LF>"])
        #expect(records.chunks.map(\.time.nanoseconds) == [20_736_000_000, 20_740_000_000, 21_900_000_000])
        // Named explicitly, the other way round.
        let forced = try FieldLogImporter.records(log, .arrowPair, options: ImportOptions(outgoingMarker: "->", incomingMarker: "<-"))
        #expect(forced.chunks.map(\.direction) == [.modem, .host, .host])
    }

    @Test func onlyResponsesMarked() throws {
        let log = "modem: start\nAT+QISEND=0,5\n-> > \nhello\n-> SEND OK"
        let records = try FieldLogImporter.records(log, .arrowPair, options: ImportOptions())
        // Without a sample the meaning comes from content: `->` lines are the module's.
        #expect(records.chunks.map(\.direction).contains(.modem))
        let sampled = try FieldLogImporter(dialect: .arrowPair, sample: LogLine.lines(of: log))
        _ = sampled
        let learnt = try FieldLogImporter.importLog(log, dialect: .arrowPair)
        #expect(learnt.rows == ["> AT+QISEND=0,5<CR>", "< <CR><LF>> ", "> hello", "< <CR><LF>SEND OK<CR><LF>"])
    }

    @Test func responsesOnlyArrowLogIsNotARawPaste() throws {
        // Every line is AT-shaped without its arrow, which made the paste score higher.
        let log = """
            AT+CSQ
            -> +CSQ: 18,99
            -> OK
            AT+QICSGP=1,1,"internet","","",1
            -> +CME ERROR: 3
            AT+QNWINFO
            -> +QNWINFO: "FDD LTE","26201","LTE BAND 3",1300
            -> OK
            """
        let records = try FieldLogImporter.importLog(log)
        #expect(records.startEvent?["dialect"]?.stringValue == "arrow-pair")
        #expect(records.chunks.map(\.direction) == [.host, .modem, .modem, .host, .modem, .host, .modem, .modem])
        #expect(records.decoded().summary == ["AT+CSQ=OK", "AT+QICSGP=+CME ERROR: 3", "AT+QNWINFO=OK"])
    }
}
