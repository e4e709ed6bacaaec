import ArgumentParser
import ATTraceCore
import ATTraceIO

/// `attrace convert`: writes any readable input as a capture in attrace's format
/// (product.md §1), which Wireshark opens with AT decoding: captures, trace scripts, the
/// field-log dialects of log-dialects.md and usbmon captures (Docs/Import.md).
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write any readable input (capture, usbmon capture, trace script, text log) as an attrace pcap.",
        discussion: """
            The output is classic pcap, linktype 252 (exported PDU), one record per input chunk with its direction and channel (tags 25/26); recorder events, such as the start event of an imported log, become ATTRACE records. Logs that show no directions (raw pastes, TinyGSM) get the direction inferred from content, and their start event says "directions":"inferred". Problems found in the input (skipped log lines, a damaged tail) are reported on standard error. Open the output in Wireshark or run `tshark -r OUTPUT.pcap`.

            Examples:
              attrace convert session.trace -w session.pcap
              attrace convert capture.pcapng -w capture.pcap
              attrace convert capture.pcap --channel 2 -w channel2.pcap
              attrace convert modemmanager.log -w field.pcap
              attrace convert usbmon1.pcap --usb-device 1.5 -w at-port.pcap
            """)

    @OptionGroup var input: InputOptions

    @Option(name: .customShort("w"), help: ArgumentHelp("The capture file to write ('-' for standard output).",
                                                         valueName: "output.pcap"))
    var output: String

    @Option(help: ArgumentHelp("Keep only this channel.", valueName: "n"))
    var channel: UInt32?

    func validate() throws {
        if input.inputs.count != 1 {
            throw ValidationError("give exactly one input (or '-' for standard input)")
        }
    }

    func run() throws {
        let source = try InputOpener.openSource(input.inputs[0], options: input, assigningInferredDirections: true)
        let writer: CaptureWriter
        do {
            writer = output == "-"
                ? try CaptureWriter(fileDescriptor: 1, name: "standard output", syncPolicy: .never)
                : try CaptureWriter(path: output, syncPolicy: .never)
        } catch {
            throw CommandFailure("\(error)")
        }
        do {
            try source.forEachRecord { record in
                switch record {
                case .chunk(let chunk):
                    guard channel == nil || chunk.channel == channel else { return }
                    try writer.write(chunk.bytes, direction: chunk.direction, channel: chunk.channel, time: chunk.time)
                case .event(let event):
                    guard channel == nil || event.channel == channel else { return }
                    try writer.write(event)
                case .diagnostic(let diagnostic):
                    // Problems of the input (skipped lines, a damaged tail) are reported, not copied.
                    StandardStreams.writeError("attrace: \(source.name): \(diagnostic.code): \(diagnostic.message)\n")
                }
            }
            try writer.close()
        } catch let error as CaptureError {
            throw CommandFailure("\(error)")
        }
    }
}
