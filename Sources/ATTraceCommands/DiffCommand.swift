import ArgumentParser
import ATTraceAnalysis
import ATTraceCore

/// `attrace diff`: two captures compared transaction by transaction (issue 5; product.md
/// §2; Docs/Diff.md).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two captures transaction by transaction (field vs bench, before vs after a firmware change).",
        discussion: """
            Decodes both inputs, aligns their commands per channel (same command line first, then same command name and form; inserted, missing and reordered commands are recognised within a window), and reports commands only one capture sent, different final results and responses, payload differences by length and SHA-256, latency changes beyond --latency-threshold, different URCs around a command, and findings raised in only one capture. A is the reference; arrows read A → B. Docs/Diff.md describes every rule.

            Examples:
              attrace diff field.pcap bench.pcap
              attrace diff before.pcap after.pcap --format json > diff.jsonl
              attrace diff field.pcap bench.pcap --latency-threshold 500ms,100%
              attrace diff field.pcap bench.pcap --ignore latency,urcs
              attrace diff field.pcap bench.pcap --channel 2 --all
              attrace diff field.log bench.pcap              # a text log: the dialect is detected

            Exit status: 0 when the captures do not differ (ignored kinds aside), 1 when they do, 2 when an input could not be read or the usage is wrong.
            """)

    @OptionGroup var input: InputOptions

    @Option(help: "Output format: text (for people) or json (JSON Lines, Docs/CLI.md).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Report a latency change only when it reaches this much: an absolute time (100ms, 2s), a percentage of A's latency (50%), or both, comma-separated, which must both be reached.",
                               valueName: "threshold"))
    var latencyThreshold: LatencyThreshold = .standard

    @Option(help: ArgumentHelp("Compare only this channel (tty index or CMUX DLCI).", valueName: "n"))
    var channel: UInt32?

    @Option(help: ArgumentHelp("Neither report nor count these kinds (comma-separated): \(DifferenceKind.allCases.map(\.rawValue).joined(separator: ", ")). Ignoring finding also skips the analyzer.",
                               valueName: "kinds"))
    var ignore: String?

    @Flag(help: "Also list aligned pairs that do not differ.")
    var all = false

    @Option(help: ArgumentHelp("Commands per capture the alignment looks at where the captures differ (2–4096).", valueName: "n"))
    var window: Int = SequenceAligner<Int>.defaultWindow

    @Option(help: "Color the text output: auto (only on a terminal), always, never.")
    var color: ColorChoice = .auto

    func validate() throws {
        guard input.inputs.count == 2 else {
            throw ValidationError("give two inputs, A and B (or '-' for standard input as one of them)")
        }
        guard (2...4096).contains(window) else {
            throw ValidationError("--window must be between 2 and 4096")
        }
        _ = try ignoredKinds()
    }

    func ignoredKinds() throws -> Set<DifferenceKind> {
        guard let ignore else { return [] }
        var kinds: Set<DifferenceKind> = []
        for item in ignore.split(separator: ",") {
            let name = String(item).trimmingCharacters(in: " ")
            guard let kind = DifferenceKind(rawValue: name) else {
                throw ValidationError("unknown difference kind '\(name)'; kinds: \(DifferenceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    func run() throws {
        let ignored = try ignoredKinds()
        let options = ComparisonOptions(latencyThreshold: latencyThreshold, window: window, ignoredKinds: ignored,
                                        reportsIdenticalPairs: all, comparesFindings: !ignored.contains(.finding))
        let sourceA = try InputOpener.openSource(input.inputs[0], options: input)
        let sourceB = try InputOpener.openSource(input.inputs[1], options: input)
        let streamA = DecodedRecordStream(sourceA, progress: ProgressReporter(label: "attrace diff", path: input.inputs[0]))
        let streamB = DecodedRecordStream(sourceB, progress: .disabled())
        defer {
            streamA.close()
            streamB.close()
        }
        var out = StandardStreams.outputWriter()
        defer { out.flush() }
        var comparator = CaptureComparator(options: options)
        let text = DiffTextFormatter(nameA: sourceA.name, nameB: sourceB.name, useColor: color.isEnabled)
        var json = DiffJSONFormatter(nameA: sourceA.name, nameB: sourceB.name, options: options)
        if format == .text { text.writeHeader(to: &out) }
        while let side = comparator.preferredSide {
            let stream = side == .a ? streamA : streamB
            if let item = try stream.next() {
                json.setOrigin(item.context.origin, for: side)
                guard channel == nil || item.record.channel == channel else { continue }
                comparator.consume(item.record, from: side, watermark: item.context.watermark)
            } else {
                comparator.finish(side, endTime: stream.finishedRun?.lastTime)
            }
            while let entry = comparator.nextEntry() {
                switch format {
                case .text: text.write(entry, to: &out)
                case .json: json.write(entry, to: &out)
                }
            }
        }
        switch format {
        case .text: text.writeSummary(comparator.summary, to: &out)
        case .json: json.writeSummary(comparator.summary, to: &out)
        }
        out.flush()
        if comparator.summary.hasDifferences { throw ExitCode(1) }
    }
}

extension LatencyThreshold: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }

    public var defaultValueDescription: String { description }
}
