import ArgumentParser
import ATTraceCore
import ATTraceIO

/// `attrace capture proxy` (product.md §2; capture.md §5.2 A): a pty in front of the real
/// device; the application opens the link instead of the device, and every byte both ways
/// is forwarded first and recorded second.
struct CaptureProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Record through a pty proxy: the application opens --link, the tap relays to --device.",
        discussion: """
            The device is opened raw and exclusive; a pty with the device's settings is created and linked at --link (atomically, with the device's owner and mode). The application's termios changes (speed, stop bits, RTS/CTS) are mirrored to the device; parity and data bits, which a pty cannot carry, come from --parity and --data-bits. The application may close and reopen the link: bytes the modem sends meanwhile are recorded and not delivered (app_close … app_open with undelivered_bytes). If the device disappears (USB unplug, modem reset) the tap records device_gone, keeps the link, and reopens the device when it returns (device_back).

            SIGTERM, SIGINT or SIGHUP stop cleanly: the device's settings are restored, the link removed, and a stop event with per-direction counters is the last record. SIGUSR1 writes a mark event. SIGKILL leaves a readable capture.

            Examples:
              attrace capture proxy --device /dev/ttyUSB2 --link /tmp/ttyAT -w session.pcap
              attrace capture proxy --device /dev/ttyS1 --link /run/ttyAT --baud 115200 --parity none -w uart.pcap --decode
              attrace capture proxy --device /dev/ttyUSB2 --link /tmp/ttyAT -w field.pcap --rotate-size 100 --keep 20 --sync 1000
            """)

    @Option(help: ArgumentHelp("The real serial device (or any tty).", valueName: "device"))
    var device: String

    @Option(help: ArgumentHelp("The path the application opens instead of the device (a symbolic link to the pty).", valueName: "path"))
    var link: String

    @OptionGroup var output: CaptureOutputOptions

    @Option(help: ArgumentHelp("Set the device (and the application side) to this speed; default: keep the device's speed.", valueName: "n"))
    var baud: Int?

    @Option(help: "Parity on the device (a pty cannot carry it).")
    var parity: Parity = .none

    @Option(name: .customLong("data-bits"), help: ArgumentHelp("Data bits on the device (a pty cannot carry them).", valueName: "5|6|7|8"))
    var dataBits: Int = 8

    @Option(help: "DTR and RTS: keep (leave them as the device has them) or follow (raise when the application opens the link, drop DTR when it closes it with HUPCL or sets speed 0, as a real port does).")
    var dtr: DTRChoice = .keep

    @Flag(help: "Do not take the device exclusively (TIOCEXCL and flock).")
    var shared = false

    @Flag(name: .customLong("low-latency"), help: "Set the FTDI latency timer to 1 ms and ASYNC_LOW_LATENCY where the driver has them.")
    var lowLatency = false

    @Option(help: "Time column of the --decode view: relative, absolute, delta.")
    var time: TextTimelineFormatter.TimeStyle = .relative

    enum DTRChoice: String, ExpressibleByArgument, CaseIterable {
        case keep
        case follow
    }

    func validate() throws {
        guard (5...8).contains(dataBits) else { throw ValidationError("--data-bits must be 5, 6, 7 or 8") }
        if let baud, baud <= 0 { throw ValidationError("--baud must be a positive number") }
    }

    func run() throws {
        var configuration = ProxyConfiguration(devicePath: device, linkPath: link)
        configuration.baudRate = baud
        configuration.parity = parity
        configuration.dataBits = dataBits
        configuration.exclusive = !shared
        configuration.followDTR = dtr == .follow
        configuration.lowLatency = lowLatency
        configuration.tool = "attrace \(ATTraceCommand.version)"
        configuration.extraStartFields = output.startFields
        try CaptureSession.run(output, timeStyle: time) { recorder, control throws(TapError) in
            let tap = try ProxyTap(configuration: configuration, recorder: recorder, control: control)
            var warnings: [String] = []
            let holders = tap.otherHolders
            if !holders.isEmpty {
                warnings.append("\(device) is also open in \(holders.joined(separator: ", ")) (ModemManager? see Docs/Capture.md)")
            }
            return CaptureSession.Tap(run: { tap.run() }, abandon: { tap.abandon() }, warnings: warnings,
                                      notice: "relaying \(device) ⇄ \(link) (\(tap.slavePath)), recording to \(recorder.firstPath)")
        }
    }
}

extension Parity: ExpressibleByArgument {}
