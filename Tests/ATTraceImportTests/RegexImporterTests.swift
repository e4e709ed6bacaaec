import ATTraceCore
import Testing
@testable import ATTraceImport

@Suite struct RegexImporterTests {
    @Test func namedGroupsWithATimeFormat() throws {
        let log = """
            2023-11-24 10:00:00.250 O AT+CSQ
            2023-11-24 10:00:00.271 I +CSQ: 24,99
            2023-11-24 10:00:00.272 I OK
            2023-11-24 10:00:00.300 X something else
            """
        let options = ImportOptions(pattern: #"^(?<time>\S+ \S+) (?<dir>[OIX]) (?<data>.*)$"#, outgoingMarker: "O",
                                    incomingMarker: "I", timeFormat: "%Y-%m-%d %H:%M:%S.%f")
        let records = try FieldLogImporter.records(log, .regex, options: options)
        #expect(records.rows == ["> AT+CSQ<CR>", "< <CR><LF>+CSQ: 24,99<CR><LF>", "< <CR><LF>OK<CR><LF>", "? <CR><LF>something else<CR><LF>"])
        #expect(records.chunks[0].time == Timestamp(nanoseconds: (1_700_784_000 + 36_000) * 1_000_000_000 + 250_000_000))
        #expect(records.startEvent?["framing"]?.stringValue == "reconstructed")
    }

    @Test func hexDataAndDefaultDirections() throws {
        // text2pcap's own example shape: direction, seconds, hex.
        let log = "O 12.5 41540d\nI 12.6 0d0a4f4b0d0a\n"
        let options = ImportOptions(pattern: #"^(?<dir>[IO])\s(?<time>\d+\.\d+)\s(?<data>[0-9a-fA-F]+)$"#, timeFormat: "s")
        let records = try FieldLogImporter.records(log, .regex, options: options)
        #expect(records.rows == ["> AT<CR>", "< <CR><LF>OK<CR><LF>"])
        #expect(records.chunks.map(\.time.nanoseconds) == [12_500_000_000, 12_600_000_000])
        #expect(records.startEvent?["framing"]?.stringValue == "exact")
        #expect(records.startEvent?["clock"]?.stringValue == "relative")
    }

    @Test func escapedDataIsExact() throws {
        let records = try FieldLogImporter.records(#"10:00:00.100 [TX] AT\r"# + "\n" + #"10:00:00.120 [RX] \r\nOK\r\n"#, .regex,
                                                   options: Fixtures.regexOptions)
        #expect(records.rows == ["> AT<CR>", "< <CR><LF>OK<CR><LF>"])
        #expect(records.startEvent?["clock"]?.stringValue == "time-of-day")
    }

    @Test func usageErrors() {
        #expect(throws: ImportError.missingPattern) { try FieldLogImporter.records("x", .regex) }
        #expect(throws: ImportError.self) {
            try FieldLogImporter.records("x", .regex, options: ImportOptions(pattern: "(?<dir>\\w+) (.*)"))
        }
        #expect(throws: ImportError.self) {
            try FieldLogImporter.records("x", .regex, options: ImportOptions(pattern: "(?<data>(unclosed"))
        }
        #expect(throws: ImportError.self) {
            try FieldLogImporter.records("x", .regex, options: ImportOptions(pattern: "(?<data>.*)", timeFormat: "%Q"))
        }
    }
}
