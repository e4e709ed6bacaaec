import ATTraceCore
import Testing
@testable import ATTraceImport

/// Times in damaged or hostile logs that do not fit the capture's 64-bit nanosecond clock
/// (epoch seconds of twelve digits, years past 2262, counters of twenty digits): the line
/// is read without its time instead of the import trapping on the overflow.
@Suite struct HostileTimeTests {
    @Test(arguments: ["999999999999.5", "2999-01-01T00:00:00Z", "Mon Jan  1 00:00:00 9999", "99999999999999999",
                      "9999999999999.5"])
    func timeOverflowIsNotATime(text: String) {
        #expect(TimeParser.anyTime(Array(text.utf8)) == nil)
    }

    @Test func timeOverflowInEveryDialect() throws {
        let logs: [(LogDialect, String)] = [
            (.modemManager, "ModemManager[812]: <debug> [999999999999.123456] [modem0/ttyUSB2/at] --> 'AT<CR>'"),
            (.socat, "> 9999/11/24 10:00:00.000000  length=3 from=0 to=2\nAT\\r"),
            (.mbed, "[99999999999999999ms][INFO][CELL]: AT TX (  3): AT<cr>"),
            (.particle, "99999999999999999.5 AT send 4 \"AT\\r\\n\""),
            (.particle, "99999999999999999 [ncp.at] TRACE: > AT"),
            (.espModemHex, "D (99999999999999999) esp-modem: writing:\nD (99999999999999999) esp-modem: 0x3ffb0000   41 54 0d   |AT.|"),
            (.tinyGSM, "[99999999999999999] ### Modem: BG96\nAT"),
            (.arrowPair, "<- AT (999999999999999999999)\n-> OK (99999999999999999)"),
            (.arrowPair, "[99999999999999999] <- AT"),
            (.qNavigator, "[9999-11-24 10:00:00:123_S:] AT"),
            (.stCellular, "[9999-11-24_10:00:00:123]AT<CR>"),
        ]
        // Reaching the end is the test: each of these trapped on the overflow.
        for (dialect, log) in logs {
            _ = try FieldLogImporter.records(log, dialect)
        }
        let regex = ImportOptions(pattern: #"^(?<time>\S+) (?<dir>TX|RX) (?<data>.*)$"#)
        #expect(try !FieldLogImporter.records("99999999999999999 TX AT", .regex, options: regex).chunks.isEmpty)
        for format in ["epoch", "%s.%f", "%Y-%m-%dT%H:%M:%S"] {
            let options = ImportOptions(pattern: #"^(?<time>\S+) (?<dir>TX|RX) (?<data>.*)$"#, timeFormat: format)
            _ = try FieldLogImporter.records("99999999999999999 TX AT\n9999-12-31T00:00:00 TX AT", .regex, options: options)
        }
    }
}
