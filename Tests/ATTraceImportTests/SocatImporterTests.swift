import ATTraceCore
import Testing
@testable import ATTraceImport

@Suite struct SocatImporterTests {
    /// What `socat -v` printed (checked against socat 1.7.4): `\r` escaped, LF a real line
    /// break, and the next header on the same line when a transfer does not end with LF.
    @Test func textDump() throws {
        let log = """
            > 2023/11/24 10:00:00.000044288  length=7 from=0 to=6
            AT+CSQ\\r< 2023/11/24 10:00:00.021000  length=21 from=0 to=20
            \\r
            +CSQ: 24,99\\r
            \\r
            OK\\r

            > 2023/11/24 10:00:01.000000  length=4 from=7 to=10
            a\\\\b
            """
        let records = try FieldLogImporter.records(log, .socat)
        #expect(records.rows == ["> AT+CSQ<CR>", "< <CR><LF>+CSQ: 24,99<CR><LF><CR><LF>OK<CR><LF>", "> a\\b<LF>"])
        #expect(records.chunks[0].time == Timestamp(nanoseconds: 1_700_820_000_000_044_288))
        #expect(records.chunks.map(\.frame) == [1, 2, 8])
        #expect(records.diagnostics.isEmpty)
    }

    /// A hex row without the leading spaces (a damaged paste) indexed before the row's
    /// start and trapped; its words are bytes like the collapsed form's.
    @Test func hexRowWithoutLeadingSpace() throws {
        let log = """
            > 2023/11/24 10:00:00.000000  length=7 from=0 to=6
             41 54
            2b 43 53 51 0d
            """
        let records = try FieldLogImporter.records(log, .socat)
        #expect(records.rows == ["> AT+CSQ<CR>"])
    }

    @Test func hexDumpsAndHostSide() throws {
        let log = """
            > 2023/11/24 10:00:00.000000  length=7 from=0 to=6
             41 54 2b 43 53 51 0d                             AT+CSQ.
            --
            < 2023/11/24 10:00:00.021000  length=6 from=0 to=5
             0d 0a 4f 4b 0d 0a
            """
        let records = try FieldLogImporter.records(log, .socat)
        #expect(records.rows == ["> AT+CSQ<CR>", "< <CR><LF>OK<CR><LF>"])
        // The host was socat's second address: `>` is the module's.
        let swapped = try FieldLogImporter.records(log, .socat, options: ImportOptions(hostSide: .second))
        #expect(swapped.chunks.map(\.direction) == [.modem, .host])
    }

    @Test func shortTransferIsReported() throws {
        let log = "> 2023/11/24 10:00:00.000000  length=9 from=0 to=8\nAT+CS"
        let records = try FieldLogImporter.records(log, .socat)
        #expect(records.rows == ["> AT+CS<LF>"])
        #expect(records.diagnostics.first?.code == .truncatedEntry)
    }
}
