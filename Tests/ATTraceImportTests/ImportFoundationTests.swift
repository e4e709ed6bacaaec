import ATTraceCore
import Testing
@testable import ATTraceImport

/// The pieces every importer stands on: cleaning, escapes, times, the sink, detection.
@Suite struct ImportFoundationTests {
    @Test func cleaningUndoesForumsAndMarkdown() {
        func clean(_ text: String, depth: Int = 0) -> String {
            String(decoding: LineCleaner.clean(Array(text.utf8), quoteDepth: depth), as: UTF8.self)
        }
        #expect(clean("AT+QSSLOPEN=1,1,4,\u{201C}host\u{201D},443\r") == "AT+QSSLOPEN=1,1,4,\"host\",443")
        #expect(clean("\u{2013}> \u{2018}AT\u{2019}") == "--> 'AT'")
        #expect(clean("> > `AT+CSQ`", depth: 2) == "AT+CSQ")
        #expect(clean("**AT+CSQ**") == "AT+CSQ")
        #expect(clean("\u{FEFF}AT\u{00A0}OK") == "AT OK")
        #expect(LineCleaner.isCodeFence(Array("  ```text".utf8)))
        #expect(LineCleaner.quoteDepth(of: Array(">> x".utf8)) == 2)
    }

    @Test func escapeStyles() {
        func decode(_ text: String, _ styles: EscapeDecoder.Styles) -> [UInt8] {
            EscapeDecoder.decode(Array(text.utf8), styles)
        }
        #expect(decode("<CR><lf><Ln><SUB><x1b><0x00><html>", .angleTokens) == [13, 10, 10, 0x1A, 0x1B, 0] + Array("<html>".utf8))
        #expect(decode(#"\r\n\t\x41\101\"\\\q"#, .cEscapes) == [13, 10, 9, 0x41, 0x41, 0x22, 0x5C, 0x5C, 0x71])
        #expect(decode(#"\26\255\256"#, .decimalBackslash) == [26, 255, 25, 0x36])
        #expect(decode("a[13][10][300]", .bracketDecimal) == Array("a".utf8) + [13, 10] + Array("[300]".utf8))
        #expect(decode("x^Zy^M", .caretControls) == [0x78, 0x1A, 0x79, 0x0D])
        #expect(decode("[CR][LF][SUB]", .bracketNames) == [13, 10, 0x1A])
    }

    @Test func timeNotations() throws {
        #expect(TimeParser.anyTime(Array("2023-11-24T10:00:00.5Z".utf8)) == .absolute(Timestamp(nanoseconds: 1_700_820_000_500_000_000)))
        #expect(TimeParser.anyTime(Array("1700820000.000001".utf8)) == .absolute(Timestamp(nanoseconds: 1_700_820_000_000_001_000)))
        #expect(TimeParser.anyTime(Array("10:00:00,250".utf8)) == .timeOfDay(36_000_250_000_000))
        #expect(TimeParser.anyTime(Array("12345".utf8)) == .sinceBoot(12_345_000_000))
        #expect(TimeParser.anyTime(Array("12.5".utf8)) == .sinceBoot(12_500_000_000))
        #expect(try TimeFormat("%d/%b/%Y:%H:%M:%S %z").parse(Array("24/Nov/2023:11:00:00 +0100".utf8))
                == .absolute(Timestamp(seconds: 1_700_820_000)))
        #expect(try TimeFormat("epoch-ms").parse(Array("1700820000123".utf8)) == .absolute(Timestamp(nanoseconds: 1_700_820_000_123_000_000)))
        #expect(try TimeFormat("%T.%f").parse(Array("10:00:00.000123".utf8)) == .timeOfDay(36_000_000_123_000))
        #expect(throws: ImportError.self) { try TimeFormat("%H:%M") }
    }

    @Test func clockNeverRunsBackwards() throws {
        let log = """
            [00005000ms][INFO][CELL]: AT TX (  3): AT<cr>
            [00004000ms][INFO][CELL]: AT RX (  6): <cr><ln>OK<cr><ln>
            [00006000ms][INFO][CELL]: AT TX (  3): AT<cr>
            """
        let records = try FieldLogImporter.records(log, .mbed)
        #expect(records.chunks.map(\.time.nanoseconds) == [5_000_000_000, 5_000_000_000, 6_000_000_000])
        let clamp = try #require(records.diagnostics.first { $0.code == .timeWentBackwards })
        #expect(clamp.frame == 2)
        #expect(clamp.message.hasPrefix("1 time went backwards"))
    }

    @Test func recordsBeforeTheFirstTimeTakeIt() throws {
        // A direction-less line without a time, then timed lines.
        let log = "(ttyUSB2): --> 'AT<CR>'\nModemManager[1]: <debug> [1700820000.5] [modem0/ttyUSB2/at] <-- '<CR><LF>OK<CR><LF>'"
        let records = try FieldLogImporter.records(log, .modemManager)
        #expect(records.startEvent?.time == Timestamp(nanoseconds: 1_700_820_000_500_000_000))
        #expect(records.chunks.allSatisfy { $0.time == Timestamp(nanoseconds: 1_700_820_000_500_000_000) })
    }

    @Test func skippedLinesInTheStartEventAreThoseBeforeTheFirstRecord() throws {
        // Without times the start waits for the end of the log; the noise after the first
        // record is only in the final diagnostic.
        let untimed = try FieldLogImporter.records("Hi all, here is my terminal output:\nAT\nOK\nAny idea what is wrong?", .raw)
        #expect(untimed.startEvent?["skipped_lines"] == .integer(1))
        #expect(untimed.diagnostics.last?.message.hasPrefix("skipped 2 lines") == true)
        // A time on a noise line does not start the capture before the noise lines after it.
        let timed = try FieldLogImporter.records("[1520] ### TinyGSM Version: 0.12.0\n[1530] ### Modem: BG96\nAT\nOK", .tinyGSM)
        #expect(timed.startEvent?["skipped_lines"] == .integer(2))
        #expect(timed.startEvent?.time == Timestamp(nanoseconds: 1_530_000_000))
    }

    @Test func framingRebuilder() {
        var rebuilder = FramingRebuilder()
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        #expect(text(rebuilder.host(Array("AT+QFREAD=3,5".utf8))) == "AT+QFREAD=3,5\r")
        #expect(text(rebuilder.modem(Array("AT+QFREAD=3,5".utf8))) == "AT+QFREAD=3,5\r")        // echo
        #expect(text(rebuilder.modem(Array("CONNECT 5".utf8))) == "\r\nCONNECT 5\r\n")
        #expect(text(rebuilder.modem(Array("OK OK".utf8))) == "OK OK")                          // 5 counted bytes
        #expect(text(rebuilder.modem(Array("OK".utf8))) == "\r\nOK\r\n")
        #expect(text(rebuilder.host(Array("+++".utf8))) == "+++")
    }

    @Test func detectionRejectsTextThatIsNoLog() throws {
        let prose = LogLine.lines(of: "Dear support,\nthe device reboots every night.\nRegards, Ana\n")
        #expect(DialectDetector.detect(prose) == nil)
        let error = ImportError.unrecognized(name: "notes.txt").description
        #expect(error.contains("--from"))
        for dialect in LogDialect.allCases { #expect(error.contains(dialect.id)) }
        #expect(throws: ImportError.unrecognized(name: "notes.txt")) {
            try FieldLogImporter.importLog("Dear support,\nthe device reboots.\n", name: "notes.txt")
        }
    }

    @Test(arguments: Fixtures.all.filter { !$0.hasPrefix("regex/") })
    func everyFixtureIsDetectedAsItsDialect(fixture: String) throws {
        let lines = LogLine.lines(of: try Fixtures.text(fixture)).filter { !ByteSearch.isBlank($0.bytes) }
        let detection = try #require(DialectDetector.detect(Array(lines.prefix(DialectDetector.sampleSize))))
        #expect(detection.dialect.id == String(fixture.split(separator: "/")[0]))
        #expect(detection.quoteDepth == (fixture.hasSuffix("markdown.log") ? 1 : 0))
    }

    @Test func socatAndIntercepttyMarkersAreNotQuotes() {
        let hostOnly = (0..<20).map { LogLine(number: $0 + 1, "> \t0x41 (A)") }
        #expect(DialectDetector.detect(hostOnly) == DialectDetection(dialect: .interceptty, quoteDepth: 0, innerDialect: nil,
                                                                        score: 40))
        let socat = LogLine.lines(of: "> 2023/11/24 10:00:00.000000  length=3 from=0 to=2\nAT\\r> 2023/11/24 10:00:01.000000  length=3 from=3 to=5\nAT\\r")
        #expect(DialectDetector.detect(socat)?.quoteDepth == 0)
    }
}
