#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import ATTraceCore
import ATTraceIO

/// `attrace capture stdin` (product.md §2; capture.md §5.2 C): raw bytes from a pipe, one
/// record per read, timestamped on arrival.
struct CaptureStdinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdin",
        abstract: "Record raw bytes from standard input, timestamped on arrival.",
        discussion: """
            For a source attrace cannot open itself (a socket, a remote tty through ssh, another tool's raw output). The times are arrival times: bytes written before the capture started carry one time, and a timing_unreliable event says so. The capture ends at the end of the input or on SIGTERM/SIGINT.

            Examples:
              socat -u /dev/ttyS1,raw,echo=0 - | attrace capture stdin --dir modem -w rx.pcap
              ssh unit 'cat /dev/ttyUSB2' | attrace capture stdin --dir modem -w remote.pcap --decode
            """)

    enum DirectionChoice: String, ExpressibleByArgument, CaseIterable {
        case host
        case modem
        case unknown

        var direction: Direction {
            switch self {
            case .host: .host
            case .modem: .modem
            case .unknown: .unknown
            }
        }
    }

    @Option(help: "Who sent the bytes: host, modem, or unknown (the decoder infers it).")
    var dir: DirectionChoice

    @OptionGroup var output: CaptureOutputOptions

    @Option(help: "Time column of the --decode view: relative, absolute, delta.")
    var time: TextTimelineFormatter.TimeStyle = .relative

    func run() throws {
        let tool = "attrace \(ATTraceCommand.version)"
        let fields = output.startFields
        let direction = dir.direction
        try CaptureSession.run(output, timeStyle: time) { recorder, control throws(TapError) in
            let tap = StreamTap(descriptor: STDIN_FILENO, name: "standard input", direction: direction,
                                recorder: recorder, control: control, tool: tool, extraStartFields: fields)
            return CaptureSession.Tap(run: { tap.run() }, notice: "recording standard input to \(recorder.firstPath)")
        }
    }
}
