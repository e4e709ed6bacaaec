import ArgumentParser

/// `attrace capture`: the record half of record/replay (product.md §2): a tap that logs
/// every byte between a host and a modem into an attrace capture.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Record AT traffic live: a pty proxy in front of a modem, a passive two-adapter sniffer, or a pipe.",
        discussion: """
            Every read of the serial line becomes one record, timestamped with CLOCK_REALTIME (ns), with its direction; recorder events (start, stop, app_open, termios, device_gone, …) go next to the traffic. The capture stays readable if the recorder is killed; SIGTERM or Ctrl-C stop it cleanly with a stop event. How to record a field session: Docs/Capture.md.

            Examples:
              attrace capture proxy --device /dev/ttyUSB2 --link /tmp/ttyAT -w session.pcap
              attrace capture sniff --host-tx /dev/ttyUSB0 --modem-tx /dev/ttyUSB1 --baud 115200 -w line.pcap
              socat -u /dev/ttyS1,raw - | attrace capture stdin --dir modem -w rx.pcap
            """,
        subcommands: [CaptureProxyCommand.self, CaptureSniffCommand.self, CaptureStdinCommand.self])
}
