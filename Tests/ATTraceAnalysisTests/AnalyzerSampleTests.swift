import Testing
import ATTraceAnalysis
import ATTraceCore

/// Every sample script's findings, as its `# expect` paragraph states them: each rule is
/// raised by a scenario, and the nearby correct sessions raise nothing.
@Suite struct AnalyzerSampleTests {
    static let expected: [String: [String]] = [
        // Correct sessions: no findings at all.
        "ssl/g1-pdp-context": [], "ssl/g2-ssl-context": [], "ssl/g3-buffer-mode": [], "ssl/g3-buffer-mode-echo": [],
        "ssl/g4-direct-push": [], "ssl/g5-transparent-send": [], "ssl/g5c-transparent-resume": [],
        "ssl/g6-transparent-receive": [],
        "protocols/concatenated-command": [], "protocols/creg-query-vs-urc": [], "protocols/echo-typed-by-hand": [],
        "protocols/file-download-qfdwl": [], "protocols/file-read-qfread": [], "protocols/file-upload-ackmode": [],
        "protocols/file-upload-qfupl": [], "protocols/host-crlf-terminator": [], "protocols/http-get-read": [],
        "protocols/http-post": [], "protocols/mqtt-publish": [], "protocols/multi-channel": [],
        "protocols/recorder-events": [], "protocols/repeat-a-slash": [], "protocols/sms-cmt": [],
        "protocols/sms-send-cmgs": [], "protocols/tcp-buffer-qird": [], "protocols/tcp-direct-push": [],
        "failures/binary-payload-with-ok": [], "failures/urc-after-prompt": [], "failures/urc-during-command": [],
        "failures/urc-and-final-in-one-read": [],
        "failures/no-direction-tags": [],
        // The note's negative scenarios (quectel-ssl.md §9 G7).
        "ssl/g5b-transparent-carrier-lost": ["data.carrier-lost:error"],
        "ssl/g7a-open-dns-failed": ["ssl.open-failed:error"],
        "ssl/g7b-closed-then-reopen": ["result.error:error", "ssl.client-in-use:error", "ssl.close-missing:error",
                                       "ssl.closed-by-peer:warning"],
        "ssl/g7c-ato-without-connection": ["ssl.ato-no-connection:warning"],
        "ssl/g7d-send-not-connected": ["result.error:error", "ssl.not-connected:error"],
        "ssl/g7e-recv-wrong-mode": ["ssl.recv-wrong-mode:warning"],
        "ssl/g7f-open-urc-timeout": ["timeout.urc:error"],
        "ssl/g7g-escape-guard": ["data.escape-guard:warning"],
        // Failures.
        "failures/client-in-use": ["result.error:error", "ssl.client-in-use:error"],
        "failures/close-missing": ["ssl.close-missing:error", "ssl.closed-by-peer:warning"],
        "failures/closed-by-peer": ["ssl.closed-by-peer:warning"],
        "failures/cme-error-numeric": ["result.error:error"],
        "failures/cme-error-verbose": ["result.error:error"],
        "failures/cms-error": ["result.error:error"],
        "failures/context-incomplete": ["ssl.context-incomplete:warning", "ssl.open-failed:error"],
        "failures/dtr-exit": ["data.dtr-without-d1:warning"],
        "failures/error-then-qigeterror": ["result.error:error"],
        "failures/escape-guard-ats12": ["data.escape-guard:warning"], // judged against ATS12, not 1 s
        "failures/garbage-wrong-baud": ["capture.undecodable:warning", "timeout.unanswered:error",
                                        "timeout.unanswered:error"],
        "failures/late-final-result": ["timeout.final:error"],
        "failures/length-mismatch-recv": ["data.length-mismatch:error"],
        "failures/length-mismatch-send": ["data.length-mismatch:error", "result.error:error"],
        "failures/modem-restart": ["modem.restart:warning"],
        "failures/no-carrier": ["data.carrier-lost:error"],
        "failures/numeric-results-atv0": ["at.param-range:error", "result.error:error"],
        "failures/open-error-566": ["ssl.open-failed:error"],
        "failures/pdp-deactivated": ["pdp.deactivated:warning", "ssl.closed-by-peer:warning"],
        "failures/param-range": ["at.param-range:error", "at.param-range:error", "result.error:error",
                                 "result.error:error", "ssl.not-connected:error"],
        "failures/pdp-not-active": ["pdp.not-active:warning"],
        "failures/pipelined-command": ["at.pipelined:warning"],
        "failures/requested-reset-cfun": [], // a reset the host asked for is not a modem.restart
        "failures/send-cancelled-esc": ["data.cancelled:info"],
        "failures/send-fail": ["result.send-fail:error"],
        "failures/send-too-long": ["data.too-long:error", "result.error:error"],
        "failures/syntax-error": ["at.syntax:warning", "result.error:error"],
        "failures/truncated-capture": [], // the script itself; the cut pcap is checked by the golden tests
        "failures/unanswered-at-end": ["timeout.unanswered:info"],
        "failures/unanswered-command": ["timeout.unanswered:error"],
        "failures/unknown-command": ["at.unknown-command:info", "result.error:error", "result.error:error"],
        "failures/unread-data": ["ssl.unread-data:warning"],
        // The `attrace diff` pairs (Docs/Diff.md): the field capture and its bench variants.
        "diff/field": [], "diff/bench-same": [], "diff/bench-payload": [], "diff/bench-extra-missing": [],
        "diff/bench-reordered": [],
        // CMUX: the frame damaged on the line is the only finding (Samples/scripts/cmux/).
        "cmux/cmux-basic": ["capture.undecodable:warning"],
        "diff/bench-final": ["result.error:error", "result.error:error", "result.send-fail:error",
                             "ssl.closed-by-peer:warning"],
        "diff/bench-slower": ["timeout.final:error"],
    ]

    @Test(arguments: expected.keys.sorted())
    func sampleRaisesExactlyItsFindings(sample: String) throws {
        let findings = try AnalyzerHarness.findings(sample: sample)
        let details = findings.map { "  \($0.rule) \($0.severity): \($0.message)" }.joined(separator: "\n")
        #expect(findings.summary == Self.expected[sample]!.sorted(), "\(sample):\n\(details)")
    }

    @Test func everySampleScriptHasAnExpectation() throws {
        let directory = AnalyzerHarness.samples.appendingPathComponent("scripts")
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(6)) } ?? []
        for file in files {
            #expect(Self.expected[file] != nil, "no expected findings for \(file)")
        }
    }
}

import Foundation
