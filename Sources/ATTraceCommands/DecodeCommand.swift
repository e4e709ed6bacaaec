import ArgumentParser
import ATTraceCore

/// `attrace decode`: the conversation in a capture or log, as a timeline or JSON Lines
/// (product.md §2, §2.1).
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Show the conversation in a capture: transactions, URCs, payloads, data mode.",
        discussion: """
            Reassembles both directions, pairs each command with its responses and final result, reads counted binary payloads by length, and follows prompts, uploads, downloads and transparent data mode. The text timeline is ordered by time; JSON Lines (one object per line, documented in Docs/CLI.md) are written as soon as each object is complete.

            Examples:
              attrace decode capture.pcap
              attrace decode capture.pcap --time absolute --hex
              attrace decode capture.pcap --format json > capture.jsonl
              attrace decode - < capture.pcap
              attrace decode session.trace --channel 1
              attrace decode field.log                      # a text log: the dialect is detected
              attrace decode field.log --from modemmanager
              attrace decode uart.txt --pattern '^(?<time>\\S+) (?<dir>TX|RX) (?<data>.*)$' --time-format '%H:%M:%S.%f'
              attrace decode usb.pcap --usb-device 1.5 --usb-endpoint 3

            Exit status: 0 when the input was read (a damaged tail is reported as a diagnostic), 2 when it could not be read or recognised.
            """)

    @OptionGroup var input: InputOptions

    @Option(help: "Output format: text (a timeline) or json (JSON Lines).")
    var format: OutputFormat = .text

    @Flag(help: "Show payloads as full hex and ASCII dumps (text format).")
    var hex = false

    @Option(help: "Color the text output: auto (only on a terminal), always, never.")
    var color: ColorChoice = .auto

    @Option(help: ArgumentHelp("Show only this channel (tty index or CMUX DLCI).", valueName: "n"))
    var channel: UInt32?

    @Option(help: "Time column of the text output: relative (seconds since the first record), absolute (UTC), delta (since the previous line).")
    var time: TextTimelineFormatter.TimeStyle = .relative

    func validate() throws {
        if input.inputs.isEmpty {
            throw ValidationError("give at least one input file (or '-' for standard input)")
        }
    }

    func run() throws {
        var out = StandardStreams.outputWriter()
        defer { out.flush() }
        let useColor = color.isEnabled
        for (index, path) in input.inputs.enumerated() {
            let source = try InputOpener.openSource(path, options: input)
            if input.inputs.count > 1 && format == .text {
                if index > 0 { out.write("\n") }
                out.write("== \(source.name) ==\n")
            }
            let progress = ProgressReporter(label: "attrace decode \(source.name)", path: path)
            var output = DecodeOutput(format: format, timeStyle: time, useColor: useColor, showHex: hex,
                                      channel: channel, inputName: input.inputs.count > 1 ? source.name : nil)
            var run = DecodingRun()
            run.needsWatermark = output.needsWatermark
            try run.runConcurrently(source, progress: progress) { record, context in
                output.consume(record, origin: context.origin, watermark: context.watermark, to: &out)
            }
            output.finish(to: &out)
            out.flush()
        }
    }
}
