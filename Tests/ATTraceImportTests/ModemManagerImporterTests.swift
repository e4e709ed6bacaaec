import ATTraceCore
import Testing
@testable import ATTraceImport

@Suite struct ModemManagerImporterTests {
    @Test func entriesEscapesAndTimes() throws {
        let log = """
            Nov 24 10:00:00 gw ModemManager[812]: <info>  [modem0] state changed (registered -> connecting)
            Nov 24 10:00:00 gw ModemManager[812]: <debug> [1700820000.000125] [modem0/ttyUSB2/at] --> 'AT+QSSLSEND=4<CR>'
            Nov 24 10:00:00 gw ModemManager[812]: <debug> [1700820000.020000] [modem0/ttyUSB2/at] <-- '<CR><LF>> '
            Nov 24 10:00:00 gw ModemManager[812]: <debug> [1700820000.100000] [modem0/ttyUSB2/at] --> 'it's\\26'
            """
        let records = try FieldLogImporter.records(log, .modemManager)
        #expect(records.rows == ["> AT+QSSLSEND=4<CR>", "< <CR><LF>> ", "> it's<SUB>"])
        #expect(records.chunks.map(\.frame) == [2, 3, 4])
        #expect(records.chunks[0].time == Timestamp(nanoseconds: 1_700_820_000_000_125_000))
        let start = try #require(records.startEvent)
        #expect(start["framing"]?.stringValue == "exact")
        #expect(start["clock"]?.stringValue == "absolute")
        #expect(start["skipped_lines"]?.intValue == 1)
        #expect(records.first == .event(start), "the start event is the first record")
        let skipped = try #require(records.diagnostics.last)
        #expect(skipped.code == .skippedLines)
        #expect(skipped.message.contains("1 line that is not traffic"))
        #expect(skipped.frame == 1)
    }

    @Test func prefixesAndLegacyForm() throws {
        // OpenWrt logread (a full date), journald short-iso, and the legacy form.
        let logread = "Fri Nov 24 10:00:01 2023 daemon.debug ModemManager[1517]: [modem0/ttyUSB2/at] --> 'AT<CR>'"
        #expect(try FieldLogImporter.records(logread, .modemManager).chunks.first?.time
                == Timestamp(seconds: 1_700_820_001))
        let journald = "2023-11-24T10:00:02+0100 gw ModemManager[812]: <debug> [modem0/ttyUSB2/at] <-- '<CR><LF>OK<CR><LF>'"
        #expect(try FieldLogImporter.records(journald, .modemManager).chunks.first?.time
                == Timestamp(seconds: 1_700_820_002 - 3600))
        let legacy = "ModemManager[605]: <debug> [1490000000.5] (ttyUSB2): --> 'AT+CGMI<CR>'"
        let records = try FieldLogImporter.records(legacy, .modemManager)
        #expect(records.rows == ["> AT+CGMI<CR>"])
        #expect(records.chunks.first?.time == Timestamp(nanoseconds: 1_490_000_000_500_000_000))
    }

    @Test func payloadContinuesOnFollowingLines() throws {
        let log = """
            (ttyUSB3): --> 'ATI<CR>'
            (ttyUSB3): <-- '<CR><LF>Quectel
            EC25
            Revision: EC25EFAR06A06M4G<CR><LF><CR><LF>OK<CR><LF>'
            (ttyUSB3): <-- '<CR><LF>RDY<CR><LF>'
            """
        let records = try FieldLogImporter.records(log, .mmtty)
        #expect(records.rows == ["> ATI<CR>", "< <CR><LF>Quectel<LF>EC25<LF>Revision: EC25EFAR06A06M4G<CR><LF><CR><LF>OK<CR><LF>",
                                 "< <CR><LF>RDY<CR><LF>"])
        #expect(records.chunks[1].frame == 2)
        #expect(records.startEvent?["clock"]?.stringValue == "none")
    }

    @Test func collapsedAndTruncatedEntries() throws {
        let collapsed = "ModemManager[1]: <debug> [1700820000.1] [modem0/ttyUSB2/at] --> 'AT+CSQ<CR>' "
            + "ModemManager[1]: <debug> [1700820000.2] [modem0/ttyUSB2/at] <-- '<CR><LF>+CSQ: 24,99<CR><LF>' "
            + "ModemManager[1]: <debug> [1700820000.3] [modem0/ttyUSB2/at] <-- '<CR><LF>OK<CR"
        let records = try FieldLogImporter.records(collapsed, .modemManager)
        #expect(records.rows == ["> AT+CSQ<CR>", "< <CR><LF>+CSQ: 24,99<CR><LF>", "< <CR><LF>OK<CR"])
        #expect(records.chunks.map(\.time.nanoseconds) == [1_700_820_000_100_000_000, 1_700_820_000_200_000_000,
                                                            1_700_820_000_300_000_000])
        #expect(records.diagnostics.map(\.code) == [.truncatedEntry])
    }

    @Test func curlyQuotesAndSmartDashes() throws {
        // What forum software makes of `--> 'AT+QSSLOPEN=1,1,4,"x",443<CR>'`.
        let log = "ModemManager[1]: <debug> [1700820000.0] [modem0/ttyUSB2/at] \u{2013}> \u{2018}AT+QSSLOPEN=1,1,4,\u{201C}x\u{201D},443<CR>\u{2019}"
        #expect(try FieldLogImporter.records(log, .modemManager).rows == ["> AT+QSSLOPEN=1,1,4,\"x\",443<CR>"])
    }
}
