import ATTraceCore
import Testing
@testable import ATTraceImport

/// Entries that span many lines, and long prefixes, are read in linear time: an open
/// ModemManager payload and a socat transfer copied all their bytes for every line they
/// grew by, and a prefix full of `[` copied its rest for every bracket (a cut quote or a
/// lying `length=` in a field log made a few megabytes take minutes).
@Suite(.timeLimit(.minutes(1))) struct LongEntryImportTests {
    static let lineCount = 100_000
    static let filler = String(repeating: "x", count: 100)

    @Test func longOpenPayloadIsLinear() throws {
        let log = "ModemManager[812]: <debug> [modem0/ttyUSB2/at] <-- '<CR><LF>+QIRD: 10\n"
            + String(repeating: Self.filler + "\n", count: Self.lineCount)
        let records = try FieldLogImporter.records(log, .modemManager)
        #expect(records.chunks.count == 1)
        #expect(records.chunks[0].bytes.count == 11 + Self.lineCount * 101)
    }

    @Test func longSocatTransferIsLinear() throws {
        let log = "> 2023/11/24 10:00:00.123456  length=100000000 from=0 to=8\n"
            + String(repeating: Self.filler + "\n", count: Self.lineCount)
        let records = try FieldLogImporter.records(log, .socat)
        #expect(records.chunks.count == 1)
        #expect(records.chunks[0].bytes.count == Self.lineCount * 101)
    }

    @Test func bracketsBeforeAnEntryAreLinear() throws {
        let brackets = String(repeating: "[", count: 1_500_000)
        let modemManager = try FieldLogImporter.records(
            "ModemManager[812]: <debug> \(brackets) [1700000000.5] [modem0/ttyUSB2/at] --> 'AT<CR>'", .modemManager)
        #expect(modemManager.rows == ["> AT<CR>"])
        #expect(modemManager.chunks.first?.time == Timestamp(nanoseconds: 1_700_000_000_500_000_000))
        let mbed = try FieldLogImporter.records("\(brackets)[00012345ms][INFO][CELL]: AT TX (  3): AT<cr>", .mbed)
        #expect(mbed.rows == ["> AT<CR>"])
    }
}
