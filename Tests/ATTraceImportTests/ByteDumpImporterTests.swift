import ATTraceCore
import Testing
@testable import ATTraceImport

/// interceptty and esp-modem: dialects that show every byte as hex.
@Suite struct ByteDumpImporterTests {
    @Test func intercepttyOneBytePerLineWithTimestamps() throws {
        let log = """
            [10:00 00.000100]> \t0x41 (A)
                             > \t0x54 (T)
                             > \t0x0d ([CR])
            [10:00 00.012000]< 0x0d ([CR])
                             < 0x0a ([LF])
                             < 0x4f (O)
                             < 0x4b (K)
            """
        let records = try FieldLogImporter.records(log, .interceptty)
        #expect(records.rows == ["> AT<CR>", "< <CR><LF>OK"])
        #expect(records.chunks.map(\.frame) == [1, 4])
        #expect(records.chunks[1].time == Timestamp(nanoseconds: 12_000_000 + 10 * 3_600_000_000_000))
        #expect(records.startEvent?["clock"]?.stringValue == "time-of-day")
    }

    @Test func intercepttyPlainAndCompacted() throws {
        let plain = "> 0x41 (A)\n> 0x54 (T)\n> 0x0d\n< 0x0d\n< 0x0a"
        #expect(try FieldLogImporter.records(plain, .interceptty).rows == ["> A", "> T", "> <CR>", "< <CR>", "< <LF>"])
        let compact = "> \t41(A):54(T):0d([CR])\n< 0d([CR]):0a([LF]):4f(O):4b(K):0d([CR]):0a([LF])"
        #expect(try FieldLogImporter.records(compact, .interceptty).rows == ["> AT<CR>", "< <CR><LF>OK<CR><LF>"])
    }

    @Test func espModemWritesAndReads() throws {
        let log = """
            I (880) esp-modem: DTE created
            D (2000) esp-modem: writing:
            D (2000) esp-modem: 0x3ffb4b20   41 54 2b 43 50 49 4e 3f  0d                       |AT+CPIN?.|
            \u{1B}[0;32mD (2016) esp-modem: reading:\u{1B}[0m
            D (2016) esp-modem: 0x3ffb4b20   0d 0a 2b 43 50 49 4e 3a  20 52 45 41 44 59 0d 0a  |..+CPIN: READY..|
            D (2016) esp-modem: 0x3ffb4b30   0d 0a 4f 4b 0d 0a                                 |..OK..|
            W (2100) esp-modem: timeout
            """
        let records = try FieldLogImporter.records(log, .espModemHex)
        #expect(records.rows == ["> AT+CPIN?<CR>", "< <CR><LF>+CPIN: READY<CR><LF><CR><LF>OK<CR><LF>"])
        #expect(records.chunks.map(\.time.nanoseconds) == [2_000_000_000, 2_016_000_000])
        #expect(records.chunks.map(\.frame) == [2, 4])
        #expect(records.startEvent?["clock"]?.stringValue == "relative")
        #expect(records.diagnostics.first?.message.contains("2 lines") == true)
    }
}
