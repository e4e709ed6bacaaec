import Foundation
import Testing
import ATTraceAnalysis
import ATTraceCore
import ATTraceSimulation

/// `attrace diff`'s engine on the sample scripts (Samples/scripts/diff/, Docs/Diff.md): each
/// bench variant against the field capture shows its kind of difference and nothing else,
/// and every sample compared with itself shows nothing.
@Suite struct CaptureComparatorTests {
    static func records(_ name: String) throws -> [DecodedRecord] {
        let url = AnalyzerHarness.samples.appendingPathComponent("scripts").appendingPathComponent(name + ".trace")
        let script = try TraceScript.parse(String(contentsOf: url, encoding: .utf8), name: name)
        return ATStreamDecoder.decode(script.records)
    }

    static func compare(_ a: String, _ b: String, options: ComparisonOptions = ComparisonOptions())
        throws -> (entries: [ComparisonEntry], summary: ComparisonSummary) {
        CaptureComparator.compare(try records(a), try records(b), options: options)
    }

    /// `A#id/B#id kind,kind` per entry.
    static func outline(_ entries: [ComparisonEntry]) -> [String] {
        entries.map { entry in
            let a = entry.a.map { "A#\($0.id)" } ?? "A-"
            let b = entry.b.map { "B#\($0.id)" } ?? "B-"
            return "\(a)/\(b) " + entry.differences.map(\.kind.rawValue).joined(separator: ",")
        }
    }

    static let samplePaths: [String] = {
        let directory = AnalyzerHarness.samples.appendingPathComponent("scripts")
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(6)) }.sorted()
    }()

    @Test(arguments: samplePaths)
    func aSampleComparedWithItselfHasNoDifferences(sample: String) throws {
        let (entries, summary) = try Self.compare(sample, sample)
        #expect(entries.isEmpty, "\(Self.outline(entries))")
        #expect(!summary.hasDifferences)
        #expect(summary.aligned == summary.transactionsA)
        #expect(summary.identical == summary.aligned)
        #expect(summary.transactionsA == summary.transactionsB)
    }

    @Test func sameSessionWithOtherTimingAndChunking() throws {
        let (entries, summary) = try Self.compare("diff/field", "diff/bench-same")
        #expect(entries.isEmpty, "\(Self.outline(entries))")
        #expect(summary.aligned == 11 && summary.identical == 11)
        #expect(summary.urcsA == 2 && summary.urcsB == 2)
    }

    @Test func differentFinalResults() throws {
        let (entries, summary) = try Self.compare("diff/field", "diff/bench-final")
        #expect(Self.outline(entries) == [
            "A#8/B#8 final,urcs,finding,finding",
            "A#9/B#9 final,responses,rx,finding",
            "A#10/B#10 final,responses,rx,finding",
        ])
        guard entries.count == 3 else { return }
        guard case .urcs(let urcs) = entries[0].differences[1] else { Issue.record("no URC difference"); return }
        #expect(urcs.map { ByteText.string($0.urc) } == ["+QSSLURC: \"recv\"", "+QSSLURC: \"closed\""])
        #expect(urcs.map { [$0.a, $0.b] } == [[1, 0], [0, 1]])
        let rules = entries.flatMap { $0.differences }.compactMap { difference -> String? in
            guard case .finding(let finding) = difference else { return nil }
            return "\(finding.rule.rawValue):\(finding.a)→\(finding.b)"
        }
        #expect(rules == ["result.send-fail:0→1", "ssl.closed-by-peer:0→1", "result.error:0→1", "result.error:0→1"])
        guard case .responses(let lines) = entries[1].differences[1] else { Issue.record("no response difference"); return }
        #expect(lines == [Difference.LineChange(side: .a, text: Array("+QSSLRECV: 18".utf8))])
        #expect(summary.count(.final) == 3 && summary.count(.finding) == 4 && summary.total == 12)
    }

    @Test func payloadsByLengthAndDigest() throws {
        let (entries, _) = try Self.compare("diff/field", "diff/bench-payload")
        #expect(Self.outline(entries) == ["A#8/B#8 tx", "A#9/B#9 responses,rx"])
        guard entries.count == 2, case .payload(.tx, let a?, let b?) = entries[0].differences[0],
              case .payload(.rx, let ra?, let rb?) = entries[1].differences[1] else {
            Issue.record("payload differences missing")
            return
        }
        #expect(a.length == 18 && b.length == 18 && a.sha256 != b.sha256)
        #expect(a.sha256 == SHA256.hash(Array("Test data from SSL".utf8)))
        #expect(ra.length == 18 && rb.length == 12)
    }

    @Test func latencyBeyondTheThreshold() throws {
        let (entries, _) = try Self.compare("diff/field", "diff/bench-slower")
        #expect(Self.outline(entries) == ["A#2/B#2 latency", "A#8/B#8 latency,finding"])
        guard let first = entries.first, case .latency(let a, let b) = first.differences[0] else { return }
        #expect(a == .milliseconds(1200) && b == .milliseconds(3900))
        // Only the activation changes by 2 s or more; nothing changes by 1000 %. The
        // timeout.final of the slow send stays.
        let strict = ComparisonOptions(latencyThreshold: LatencyThreshold(absolute: .seconds(2), percent: nil))
        #expect(Self.outline(try Self.compare("diff/field", "diff/bench-slower", options: strict).entries)
                == ["A#2/B#2 latency", "A#8/B#8 finding"])
        let relative = ComparisonOptions(latencyThreshold: LatencyThreshold(absolute: nil, percent: 1000))
        #expect(Self.outline(try Self.compare("diff/field", "diff/bench-slower", options: relative).entries)
                == ["A#8/B#8 finding"])
    }

    @Test func extraAndMissingCommands() throws {
        let (entries, summary) = try Self.compare("diff/field", "diff/bench-extra-missing")
        #expect(Self.outline(entries) == ["A-/B#1 only-in-b", "A#7/B- only-in-a"])
        #expect(summary.aligned == 10 && summary.identical == 10)
        #expect(entries.first?.b?.commandText == "AT+CSQ")
        #expect(entries.last?.a?.commandText == "AT+QSSLSTATE")
    }

    @Test func reorderedAndChangedCommands() throws {
        let (entries, summary) = try Self.compare("diff/field", "diff/bench-reordered")
        #expect(Self.outline(entries) == ["A#5/B#3 order", "A#6/B#6 command", "A#7/B#7 responses"])
        #expect(entries.first.map { $0.a?.commandLine == $0.b?.commandLine } == true)
        #expect(entries.dropFirst().first?.match == .loose)
        #expect(summary.aligned == 11)
    }

    @Test func ignoredKindsAreNeitherReportedNorCounted() throws {
        let options = ComparisonOptions(ignoredKinds: [.finding, .urcs, .responses, .rx], comparesFindings: false)
        let (entries, summary) = try Self.compare("diff/field", "diff/bench-final", options: options)
        #expect(Self.outline(entries) == ["A#8/B#8 final", "A#9/B#9 final", "A#10/B#10 final"])
        #expect(summary.total == 3)
        #expect(summary.findingsA == 0 && summary.findingsB == 0)
    }

    @Test func identicalPairsOnRequest() throws {
        let options = ComparisonOptions(reportsIdenticalPairs: true)
        let (entries, _) = try Self.compare("diff/field", "diff/bench-same", options: options)
        #expect(entries.count == 11)
        #expect(entries.allSatisfy { $0.isPair && $0.differences.isEmpty && $0.match == .exact })
    }

    /// The entries are the same whether the captures are read in step, one after the other,
    /// or record by record in the decoder's completion order with its watermark.
    @Test func readingOrderDoesNotChangeTheResult() throws {
        let expected = try Self.compare("diff/field", "diff/bench-final").entries
        for aFirst in [true, false] {
            var comparator = CaptureComparator()
            var entries: [ComparisonEntry] = []
            var decoders = [ComparisonSide.a: ATStreamDecoder(), .b: ATStreamDecoder()]
            let scripts = [ComparisonSide.a: try TraceScript.parse(String(contentsOf: AnalyzerHarness.samples
                .appendingPathComponent("scripts/diff/field.trace"), encoding: .utf8), name: "a").records,
                           .b: try TraceScript.parse(String(contentsOf: AnalyzerHarness.samples
                .appendingPathComponent("scripts/diff/bench-final.trace"), encoding: .utf8), name: "b").records]
            let order: [ComparisonSide] = aFirst ? [.a, .b] : [.b, .a]
            for side in order {
                for record in scripts[side]! {
                    decoders[side]!.feed(record)
                    while let decoded = decoders[side]!.nextRecord() {
                        comparator.consume(decoded, from: side, watermark: decoders[side]!.watermark)
                    }
                }
                decoders[side]!.finish()
                while let decoded = decoders[side]!.nextRecord() {
                    comparator.consume(decoded, from: side, watermark: nil)
                }
                comparator.finish(side)
                while let entry = comparator.nextEntry() { entries.append(entry) }
            }
            #expect(entries == expected)
        }
    }
}
