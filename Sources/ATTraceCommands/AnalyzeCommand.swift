import ArgumentParser
import ATTraceAnalysis
import ATTraceCore

/// `attrace analyze`: what went wrong in a capture, as findings with stable ids
/// (product.md §2, §2.2, §4).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find what went wrong: timeouts, error codes, SSL/TCP state violations, data-mode problems.",
        discussion: """
            Decodes the input, tracks the state of PDP contexts, SSL contexts, SSL clients and sockets, and reports findings with stable rule ids (see Docs/Findings.md, or --list-rules). The text report starts with the input's span and a latency table per command; JSON Lines give one finding per line and a summary as the last line.

            Examples:
              attrace analyze field.pcap
              attrace analyze logs/*.pcap --format json > findings.jsonl
              attrace analyze field.pcap --fail-on warning
              attrace analyze field.pcap --rules ssl.open-failed,timeout.final
              attrace analyze field.pcap --rules 'ssl.*'
              attrace analyze --list-rules
              attrace analyze field.log                     # a text log: the dialect is detected
              attrace analyze ticket-1234.txt --from tinygsm

            Exit status: 0 when no finding is at or above --fail-on (default error), 1 when one is, 2 when an input could not be read or the usage is wrong.
            """)

    @OptionGroup var input: InputOptions

    var inputs: [String] { input.inputs }

    @Option(help: "Output format: text (a report) or json (JSON Lines).")
    var format: OutputFormat = .text

    @Option(help: "Exit with status 1 when a finding at or above this severity exists: error, warning, info, never.")
    var failOn: FailThreshold = .error

    @Option(help: ArgumentHelp("Report only these rules (comma-separated ids; 'ssl.*' selects a family).", valueName: "ids"))
    var rules: String?

    @Option(help: "Color the text output: auto (only on a terminal), always, never.")
    var color: ColorChoice = .auto

    @Flag(help: "List every rule id with its severity and meaning, then exit.")
    var listRules = false

    enum FailThreshold: String, ExpressibleByArgument, CaseIterable {
        case error, warning, info, never

        var severity: Severity? {
            switch self {
            case .error: .error
            case .warning: .warning
            case .info: .info
            case .never: nil
            }
        }
    }

    func validate() throws {
        if !listRules && inputs.isEmpty {
            throw ValidationError("give at least one input file (or '-' for standard input)")
        }
        _ = try selectedRules()
    }

    func selectedRules() throws -> Set<FindingID>? {
        guard let rules else { return nil }
        var selected: Set<FindingID> = []
        for item in rules.split(separator: ",").map({ String($0).trimmingCharacters(in: " ") }) where !item.isEmpty {
            if item.hasSuffix(".*") || item.hasSuffix("*") {
                let prefix = String(item.dropLast())
                let matches = FindingRegistry.rules.filter { $0.id.rawValue.hasPrefix(prefix) }
                guard !matches.isEmpty else { throw ValidationError("no rule matches '\(item)'; see --list-rules") }
                selected.formUnion(matches.map { $0.id })
            } else {
                let id = FindingID(item)
                guard FindingRegistry.byID[id] != nil else { throw ValidationError("unknown rule '\(item)'; see --list-rules") }
                selected.insert(id)
            }
        }
        return selected
    }

    func run() throws {
        var out = StandardStreams.outputWriter()
        defer { out.flush() }
        if listRules {
            for rule in FindingRegistry.rules {
                out.write(AnalysisReportFormatter.pad(rule.id.rawValue, 26, left: true)
                          + AnalysisReportFormatter.pad(rule.severity.rawValue, 9, left: true) + rule.meaning + "\n")
            }
            return
        }
        let enabled = try selectedRules()
        let useColor = color.isEnabled
        var combined = AnalysisSummary(input: nil, inputCount: inputs.count)
        for (index, path) in inputs.enumerated() {
            let source: RecordSource
            do {
                source = try InputOpener.openSource(path, options: input)
            } catch let failure as CommandFailure {
                // Keep going over the other inputs; the exit status reports the failure.
                StandardStreams.writeError("attrace: \(failure.message)\n")
                combined.unreadable.append(path)
                continue
            }
            let summary = try analyze(source, path: path, enabled: enabled, useColor: useColor,
                                      isFirst: index == 0, multiple: inputs.count > 1, out: &out)
            combined.add(summary)
        }
        if inputs.count > 1 {
            switch format {
            case .json:
                FindingJSONFormatter().writeSummary(combined, to: &out)
            case .text:
                out.write("\n" + (useColor ? "\u{1B}[1m" : "") + "all inputs" + (useColor ? "\u{1B}[0m" : "")
                          + ": \(inputs.count) inputs, \(combined.transactions) transactions, "
                          + AnalysisReportFormatter.countsLine(combined) + "\n")
                for (rule, count) in combined.rules.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                    out.write("  " + AnalysisReportFormatter.pad(String(count), 6) + "  " + rule.rawValue + "\n")
                }
                if !combined.unreadable.isEmpty {
                    out.write("  unreadable: " + combined.unreadable.joined(separator: ", ") + "\n")
                }
            }
        }
        out.flush()
        if !combined.unreadable.isEmpty { throw ExitCode(2) }
        if let threshold = failOn.severity, combined.hasFindings(atOrAbove: threshold) { throw ExitCode(1) }
    }

    private func analyze(_ source: RecordSource, path: String, enabled: Set<FindingID>?, useColor: Bool, isFirst: Bool,
                         multiple: Bool, out: inout ByteWriter) throws -> AnalysisSummary {
        var analyzer = Analyzer(enabledRules: enabled)
        var summary = AnalysisSummary(input: source.name)
        var json = FindingJSONFormatter()
        json.inputName = multiple ? source.name : nil
        var report = AnalysisReportFormatter(useColor: useColor)
        let progress = ProgressReporter(label: "attrace analyze \(source.name)", path: path)
        var run = DecodingRun()
        func emit(_ finding: Finding, _ out: inout ByteWriter) {
            summary.count(finding)
            switch format {
            case .json: json.write(finding, to: &out)
            case .text: report.add(finding)
            }
        }
        try run.runConcurrently(source, progress: progress) { record, context in
            if json.origin == nil { json.origin = context.origin; report.origin = context.origin }
            analyzer.consume(record, watermark: context.watermark)
            while analyzer.hasFindings, let finding = analyzer.nextFinding() { emit(finding, &out) }
        }
        analyzer.finish(endTime: run.lastTime)
        while let finding = analyzer.nextFinding() { emit(finding, &out) }
        summary.records = run.recordCount
        summary.transactions = analyzer.statistics.transactions
        summary.urcs = analyzer.statistics.urcs
        summary.duration = analyzer.statistics.duration ?? .zero
        switch format {
        case .json:
            json.writeSummary(summary, to: &out)
        case .text:
            if !isFirst { out.write("\n") }
            report.write(input: source.name, statistics: analyzer.statistics, summary: summary, to: &out)
        }
        out.flush()
        return summary
    }
}

extension String {
    func trimmingCharacters(in characters: Character) -> String {
        var text = Substring(self)
        while text.first == characters { text = text.dropFirst() }
        while text.last == characters { text = text.dropLast() }
        return String(text)
    }
}
