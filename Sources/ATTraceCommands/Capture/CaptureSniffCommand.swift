import ArgumentParser
import ATTraceCore
import ATTraceIO

/// `attrace capture sniff` (product.md §2; capture.md §5.2 B): passive capture from
/// read-only adapters wired to the host's and the modem's transmit lines.
struct CaptureSniffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sniff",
        abstract: "Record passively from two read-only adapters on the host's and the modem's TX lines.",
        discussion: """
            Each adapter's RX pin is wired to one line (plus ground); the adapters are opened read-only, raw, with CLOCAL set and HUPCL cleared, and never written to. Each read is one record with the input's direction and a per-input sequence number (exported-PDU original frame number). The order of bytes across the two adapters is only as good as their latency (set the FTDI latency timer to 1 ms: --low-latency); the start event records the adapters' identity, and a warning is printed when they differ. One input alone is a one-direction monitor.

            Examples:
              attrace capture sniff --host-tx /dev/ttyUSB0 --modem-tx /dev/ttyUSB1 --baud 115200 -w line.pcap
              attrace capture sniff --modem-tx /dev/ttyUSB1 --baud 115200 --mark-errors -w rx-only.pcap --decode
            """)

    @Option(name: .customLong("host-tx"), help: ArgumentHelp("The adapter listening to the host's TX line (host → modem).", valueName: "device"))
    var hostTX: String?

    @Option(name: .customLong("modem-tx"), help: ArgumentHelp("The adapter listening to the modem's TX line (modem → host).", valueName: "device"))
    var modemTX: String?

    @Option(help: ArgumentHelp("The line's speed.", valueName: "n"))
    var baud: Int

    @OptionGroup var output: CaptureOutputOptions

    @Option(help: "The line's parity.")
    var parity: Parity = .none

    @Option(name: .customLong("data-bits"), help: ArgumentHelp("The line's data bits.", valueName: "5|6|7|8"))
    var dataBits: Int = 8

    @Option(name: .customLong("stop-bits"), help: ArgumentHelp("The line's stop bits.", valueName: "1|2"))
    var stopBits: Int = 1

    @Flag(name: .customLong("mark-errors"), help: "Record parity and framing errors and breaks as line_error and break events (PARMRK); the data keeps only the good bytes.")
    var markErrors = false

    @Flag(name: .customLong("low-latency"), help: "Set the FTDI latency timer to 1 ms and ASYNC_LOW_LATENCY where the drivers have them.")
    var lowLatency = false

    @Option(help: "Time column of the --decode view: relative, absolute, delta.")
    var time: TextTimelineFormatter.TimeStyle = .relative

    func validate() throws {
        if hostTX == nil && modemTX == nil { throw ValidationError("give --host-tx, --modem-tx or both") }
        if hostTX != nil && hostTX == modemTX { throw ValidationError("--host-tx and --modem-tx must be different adapters") }
        guard baud > 0 else { throw ValidationError("--baud must be a positive number") }
        guard (5...8).contains(dataBits) else { throw ValidationError("--data-bits must be 5, 6, 7 or 8") }
        guard stopBits == 1 || stopBits == 2 else { throw ValidationError("--stop-bits must be 1 or 2") }
    }

    func run() throws {
        var inputs: [SniffConfiguration.Input] = []
        if let hostTX { inputs.append(.init(path: hostTX, direction: .host)) }
        if let modemTX { inputs.append(.init(path: modemTX, direction: .modem)) }
        var configuration = SniffConfiguration(inputs: inputs, baudRate: baud)
        configuration.parity = parity
        configuration.dataBits = dataBits
        configuration.stopBits = stopBits
        configuration.markErrors = markErrors
        configuration.lowLatency = lowLatency
        configuration.tool = "attrace \(ATTraceCommand.version)"
        configuration.extraStartFields = output.startFields
        try CaptureSession.run(output, timeStyle: time) { recorder, control throws(TapError) in
            let tap = try SniffTap(configuration: configuration, recorder: recorder, control: control)
            return CaptureSession.Tap(run: { tap.run() }, abandon: { tap.abandon() }, warnings: tap.warnings,
                                      notice: "listening on \(inputs.map(\.path).joined(separator: " and ")), recording to \(recorder.firstPath)")
        }
    }
}
