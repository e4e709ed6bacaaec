import ATTraceAnalysis
import ATTraceCore

/// The text report of `attrace analyze` (Docs/CLI.md): a header with the input, its span
/// and counts, a per-command latency table, then the findings grouped by severity, each
/// with its relative time, frame, rule id, the command it points at and the message.
///
/// Findings are held until the end to group them; beyond ``perRuleLimit`` of one rule only
/// a count is kept, so memory stays flat on huge inputs (the JSON format streams them all).
struct AnalysisReportFormatter {
    static let perRuleLimit = 50

    let useColor: Bool
    var origin: Timestamp?
    private var held: [Severity: [Finding]] = [:]
    private var heldPerRule: [FindingID: Int] = [:]
    private var suppressed: [FindingID: Int] = [:]

    init(useColor: Bool) {
        self.useColor = useColor
    }

    mutating func add(_ finding: Finding) {
        let count = heldPerRule[finding.rule, default: 0]
        if count >= Self.perRuleLimit {
            suppressed[finding.rule, default: 0] += 1
            return
        }
        heldPerRule[finding.rule] = count + 1
        held[finding.severity, default: []].append(finding)
    }

    private func styled(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
    }

    func write(input: String, statistics: CaptureStatistics, summary: AnalysisSummary, to out: inout ByteWriter) {
        out.write(styled("attrace analyze", "1") + " " + input + "\n")
        var span = "  "
        if let first = statistics.firstTime {
            span += first.iso8601
            if let duration = statistics.duration { span += " + " + Self.seconds(duration) }
            span += " · "
        }
        span += "\(summary.records) records · \(statistics.transactions) transactions · \(statistics.urcs) URCs"
        if statistics.dataRuns > 0 { span += " · \(statistics.dataRuns) data runs" }
        if statistics.diagnostics > 0 { span += " · \(statistics.diagnostics) diagnostics" }
        out.write(span + "\n\n")
        writeLatencyTable(statistics, to: &out)
        for severity in [Severity.error, .warning, .info] {
            let findings = held[severity] ?? []
            let total = summary.counts[severity] ?? 0
            guard total > 0 else { continue }
            let title = "\(severity == .error ? "errors" : severity == .warning ? "warnings" : "info") (\(total))"
            out.write(styled(title, severity == .error ? "1;31" : severity == .warning ? "1;33" : "1") + "\n")
            for finding in findings {
                write(finding, to: &out)
            }
            for (rule, count) in suppressed.sorted(by: { $0.key < $1.key }) where FindingRegistry.rule(rule).severity == severity {
                out.write("  … and \(count) more \(rule.rawValue) findings (use --format json for all)\n")
            }
            out.write("\n")
            out.flushIfNeeded()
        }
        out.write(Self.countsLine(summary) + "\n")
    }

    private func write(_ finding: Finding, to out: inout ByteWriter) {
        var line = "  "
        if let time = finding.time, let origin {
            line += Self.pad(Self.seconds(time.since(origin)), 12)
        } else {
            line += Self.pad("-", 12)
        }
        line += "  frame " + Self.pad(String(finding.frame), 6, left: true) + "  "
        line += styled(finding.rule.rawValue, finding.severity == .error ? "31" : finding.severity == .warning ? "33" : "2")
        if let id = finding.transaction {
            line += "  #\(id)"
            if let command = finding.commandLine { line += " " + TextTimelineFormatter.escaped(command) }
        }
        out.write(line + "\n")
        for wrapped in Self.wrap(finding.message, width: 96) {
            out.write("                " + wrapped + "\n")
        }
    }

    private func writeLatencyTable(_ statistics: CaptureStatistics, to out: inout ByteWriter) {
        let rows = statistics.commandList.sorted { $0.name < $1.name }
        guard !rows.isEmpty else { return }
        out.write("  " + Self.pad("command", 18, left: true) + Self.pad("count", 7) + Self.pad("min", 11)
                  + Self.pad("median", 11) + Self.pad("p95", 11) + Self.pad("max", 11) + Self.pad("failures", 10) + "\n")
        for row in rows {
            func cell(_ value: Duration?) -> String { Self.pad(value.map(Self.milliseconds) ?? "-", 11) }
            var line = "  " + Self.pad(row.name, 18, left: true) + Self.pad(String(row.count), 7)
            line += cell(row.latencies.minimum) + cell(row.latencies.quantile(0.5))
            line += cell(row.latencies.quantile(0.95)) + cell(row.latencies.maximum)
            line += Self.pad(row.failures > 0 ? styled(String(row.failures), "31") : "0", row.failures > 0 && useColor ? 19 : 10)
            out.write(line + "\n")
        }
        out.write("\n")
    }

    static func countsLine(_ summary: AnalysisSummary) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return plural(summary.counts[.error] ?? 0, "error") + ", " + plural(summary.counts[.warning] ?? 0, "warning")
            + ", \(summary.counts[.info] ?? 0) info"
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.nanoseconds) / 1e6
        if ms >= 10_000 { return Self.decimal(ms / 1000, 1) + " s" }
        return Self.decimal(ms, ms < 100 ? 1 : 0) + " ms"
    }

    static func seconds(_ duration: Duration) -> String {
        Self.decimal(Double(duration.nanoseconds) / 1e9, 3) + " s"
    }

    /// `value` with `decimals` digits after the point.
    static func decimal(_ value: Double, _ decimals: Int) -> String {
        var writer = ByteWriter { _ in }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        writer.write(fixedPoint: Int64((value * Double(scale)).rounded()), scale: scale, decimals: decimals,
                     maximumDecimals: decimals, trim: false)
        return writer.text
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }

    /// Word-wraps a message for the terminal.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
