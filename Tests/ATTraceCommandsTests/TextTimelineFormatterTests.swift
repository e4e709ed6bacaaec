import Testing
@testable import ATTraceCommands
@testable import ATTraceCore

/// Regressions of the text timeline.
@Suite struct TextTimelineFormatterTests {
    static func transaction(id: Int) -> Transaction {
        let start = Timestamp(seconds: 1_795_000_000)
        return Transaction(
            id: id, channel: 0, commandLine: Array("AT+CSQ".utf8), commands: CommandLineParser.parse("AT+CSQ"),
            repeatedLine: nil, start: start, commandEnd: start, end: start.adding(.milliseconds(5)),
            final: FinalResult(code: .ok, line: Array("OK".utf8), time: start.adding(.milliseconds(5)), frame: 2),
            status: .ok, responses: [], hasEcho: false, promptTime: nil, tx: nil, rx: nil, firstFrame: 1,
            lastFrame: 2, pipelinedAfter: nil, abandonment: nil, maximumResponseTime: .milliseconds(300),
            hasInferredDirection: false, hostByteCount: 7, modemByteCount: 6)
    }

    static func render(_ record: DecodedRecord) -> String {
        var formatter = TextTimelineFormatter(timeStyle: .relative, useColor: false, showHex: false)
        formatter.origin = Timestamp(seconds: 1_795_000_000)
        var out = ByteWriter { _ in }
        formatter.write(record, to: &out)
        return out.text
    }

    /// A capture with 10 000 or more transactions crashed the id column (a range with its
    /// lower bound above its upper bound) and glued `#10000` to the command.
    @Test(arguments: [1, 42, 999, 9_999, 10_000, 123_456, 98_765_432])
    func transactionIDsOfAnyWidthKeepASeparatingSpace(id: Int) {
        let line = Self.render(.transaction(Self.transaction(id: id)))
        #expect(line.contains("#\(id) AT+CSQ") || line.contains("#\(id)  AT+CSQ") || line.contains("#\(id)   AT+CSQ")
                || line.contains("#\(id)    AT+CSQ"), "\(line)")
    }
}
