import ATTraceCore
import Testing
@testable import ATTraceImport

/// Every fixture log in `Samples/logs/` decodes to the session it was written from: the
/// same transactions with the same final results, the same URCs, in every damaged variant
/// (truncated ones to a prefix of it).
@Suite struct FixtureDecodeTests {
    static let ssl = ["AT=OK", "AT+CPIN=OK", "AT+QIACT=OK", "AT+QSSLCFG=OK", "AT+QSSLCFG=OK", "AT+QSSLOPEN=OK",
                      "AT+QSSLSEND=SEND OK", "AT+QSSLRECV=OK", "AT+QSSLRECV=OK", "AT+QSSLSEND=ERROR", "AT+QSSLCLOSE=OK"]
    static let tcp = ["ATE=OK", "AT+CSQ=OK", "AT+QIACT=OK", "AT+QIOPEN=OK", "AT+QISEND=SEND OK", "AT+QIRD=OK",
                      "AT+QIRD=OK", "AT+QIOPEN=OK", "AT+QICLOSE=OK"]

    /// The session each clean fixture was written from (damaged variants share their
    /// source's), and its URC count.
    static func expected(_ fixture: String) -> (transactions: [String], urcs: Int)? {
        let sslFixtures = ["modemmanager/logread.log", "modemmanager/legacy.log", "socat/session.log", "ewf/session.log",
                           "particle/trace.log", "espmodem-hex/session.log", "qnavigator/session.log",
                           "arrow-pair/triple.log", "raw/session.log"]
        let dialect = fixture.split(separator: "/")[0]
        if fixture == "mmtty/session.log" || (dialect == "mmtty" && !fixture.hasSuffix("session.log")) {
            return (ssl + ["ATI=OK"], 2)
        }
        if sslFixtures.contains(fixture) { return (ssl, 2) }
        if fixture == "interceptty/plain.log" { return (Array(ssl.prefix(4)) + ["AT+QSSLCFG=none"], 0) }
        if fixture == "raw/variable-send.log" { return nil }
        if fixture == "raw/collapsed-raw-counted-payload.log" {
            return (["AT+QIOPEN=OK", "AT+QIRD=OK", "AT+QIRD=OK", "AT+QIRD=OK", "AT+QICLOSE=OK", "AT+QSSLOPEN=OK",
                     "AT+QSSLRECV=OK", "AT+QSSLCLOSE=OK"], 3)
        }
        if fixture == "raw/collapsed-raw-trailing-prose.log" {
            return (["AT+CSQ=OK", "AT+QIACT=OK", "AT+QIOPEN=OK", "AT+QICLOSE=OK"], 1)
        }
        let damaged = ["truncated.log", "collapsed.log", "markdown.log", "curly.log"].contains { fixture.hasSuffix("/" + $0) }
        if damaged {
            let sslDialects = ["socat": false, "ewf": true, "espmodem-hex": true, "qnavigator": true, "raw": true]
            return (sslDialects[String(dialect)] == true ? ssl : tcp, sslDialects[String(dialect)] == true ? 2 : 3)
        }
        return (tcp, 3)
    }

    @Test(arguments: Fixtures.all)
    func fixtureDecodesToItsSession(fixture: String) throws {
        let records = try FieldLogImporter.importLog(Array(try Fixtures.text(fixture).utf8),
                                                     options: Fixtures.options(for: fixture), name: fixture)
        let decoded = records.decoded()
        guard let (transactions, urcs) = Self.expected(fixture) else { return }
        if fixture.hasSuffix("/truncated.log") {
            // Everything before the cut, then possibly one command left without its answer.
            let summary = decoded.summary
            #expect(summary.count >= 4, "\(fixture): \(summary)")
            let complete = summary.last?.hasSuffix("=none") == true ? summary.dropLast() : summary[...]
            #expect(Array(complete) == Array(transactions.prefix(complete.count)), "\(fixture): \(summary)")
            return
        }
        #expect(decoded.summary == transactions, "\(fixture)")
        #expect(decoded.urcs.count == urcs, "\(fixture)")
        let dialect = String(fixture.split(separator: "/")[0])
        #expect(records.startEvent?["dialect"]?.stringValue == dialect, "\(fixture)")
    }

    /// In a collapsed raw paste the data after a counted header is taken by its count, also
    /// when it holds what looks like a result code or a command (`OK AT+CSQ ?`).
    @Test func collapsedRawCountedPayload() throws {
        let records = try FieldLogImporter.importLog(Array(try Fixtures.text("raw/collapsed-raw-counted-payload.log").utf8))
        let received = records.decoded().transactions.compactMap { $0.rx.map { String(decoding: $0.bytes, as: UTF8.self) } }
        #expect(received == ["abcde", "OK AT+CSQ ?", "", #"{"ack":7}"#])
    }

    /// Prose stuck to the last result code of a collapsed raw paste is skipped and counted;
    /// the result code still answers its command.
    @Test func collapsedRawTrailingProse() throws {
        let records = try FieldLogImporter.importLog(Array(try Fixtures.text("raw/collapsed-raw-trailing-prose.log").utf8))
        #expect(records.decoded().transactions.last?.final?.line == Array("OK".utf8))
        let skipped = records.diagnostics.filter { $0.code == .skippedLines }
        #expect(skipped.map(\.message) == [#"skipped 1 line that is not traffic, e.g. line 1: "Any idea what is wrong? The socket never opens.""#])
    }

    /// A raw paste of a variable-length send shows no Ctrl+Z: the decoder's inference gives
    /// every byte after the prompt to the host until one arrives, so `SEND OK` and the rest
    /// become payload. The importer's records are right; the decoder needs a rule that a
    /// `<CR><LF>`-framed final result ends an inferred variable-length payload.
    @Test func variableLengthSendInARawPaste() throws {
        let records = try FieldLogImporter.importLog(Array(try Fixtures.text("raw/variable-send.log").utf8))
        #expect(records.rows.contains("? <CR><LF>SEND OK<CR><LF>"))
        // The module's framed `SEND OK` ends the payload, as no Ctrl+Z is shown.
        #expect(records.decoded().summary == Self.ssl)
        // With the importer's own inference (what `convert` writes) the session is right.
        let assigned = try FieldLogImporter.importLog(Array(try Fixtures.text("raw/variable-send.log").utf8),
                                                      options: ImportOptions(assignsInferredDirections: true))
        #expect(assigned.chunks.allSatisfy { $0.direction != .unknown })
        #expect(assigned.startEvent?["directions"]?.stringValue == "inferred")
        #expect(assigned.decoded().summary == Self.ssl)
    }
}
