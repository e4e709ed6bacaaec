import ArgumentParser
import ATTraceCore
import ATTraceIO

/// `attrace convert`: writes any readable input as a capture in attrace's format
/// (product.md §1), which Wireshark opens with AT decoding.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write any readable input (capture, trace script, text log) as an attrace pcap.",
        discussion: """
            The output is classic pcap, linktype 252 (exported PDU), one record per input chunk with its direction and channel; recorder events become ATTRACE records. Open it in Wireshark or run `tshark -r OUTPUT.pcap`.

            Examples:
              attrace convert session.trace -w session.pcap
              attrace convert capture.pcapng -w capture.pcap
              attrace convert capture.pcap --channel 2 -w channel2.pcap
            """)

    @Argument(help: ArgumentHelp("The input: a capture, a trace script or a text log; '-' reads standard input.",
                                 valueName: "input"))
    var input: String

    @Option(name: .customShort("w"), help: ArgumentHelp("The capture file to write ('-' for standard output).",
                                                         valueName: "output.pcap"))
    var output: String

    @Option(help: ArgumentHelp("Read the input as this text-log dialect instead of detecting it.", valueName: "dialect"))
    var from: String?

    @Option(help: ArgumentHelp("Keep only this channel.", valueName: "n"))
    var channel: UInt32?

    func run() throws {
        let source = try InputOpener.openSource(input, dialect: from)
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
                    // Problems of the input (a damaged tail) are reported, not copied.
                    StandardStreams.writeError("attrace: \(source.name): \(diagnostic.message)\n")
                }
            }
            try writer.close()
        } catch let error as CaptureError {
            throw CommandFailure("\(error)")
        }
    }
}
