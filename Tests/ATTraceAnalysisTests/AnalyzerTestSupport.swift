import Foundation
import ATTraceAnalysis
import ATTraceCore
import ATTraceSimulation

/// Runs scripts through the decoder and the analyzer, as `attrace analyze` does.
enum AnalyzerHarness {
    static let samples: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("Samples")
    }()

    static func findings(script text: String, name: String = "inline") throws -> [Finding] {
        let script = try TraceScript.parse(text, name: name)
        return analyze(script.records)
    }

    static func findings(sample name: String) throws -> [Finding] {
        let url = samples.appendingPathComponent("scripts").appendingPathComponent(name + ".trace")
        return try findings(script: String(contentsOf: url, encoding: .utf8), name: name)
    }

    static func analyze(_ records: [CaptureRecord]) -> [Finding] {
        var decoder = ATStreamDecoder()
        var analyzer = Analyzer()
        var findings: [Finding] = []
        var last: Timestamp?
        for record in records {
            if let time = record.time, last.map({ time > $0 }) ?? true { last = time }
            decoder.feed(record)
            while let decoded = decoder.nextRecord() {
                analyzer.consume(decoded, watermark: decoder.watermark)
                while let finding = analyzer.nextFinding() { findings.append(finding) }
            }
        }
        decoder.finish()
        while let decoded = decoder.nextRecord() {
            analyzer.consume(decoded, watermark: nil)
        }
        analyzer.finish(endTime: last)
        while let finding = analyzer.nextFinding() { findings.append(finding) }
        return findings
    }
}

extension Array where Element == Finding {
    /// "rule:severity" strings, sorted, for compact comparisons.
    var summary: [String] {
        map { "\($0.rule.rawValue):\($0.severity.rawValue)" }.sorted()
    }

    func named(_ rule: FindingID) -> [Finding] { filter { $0.rule == rule } }
}
