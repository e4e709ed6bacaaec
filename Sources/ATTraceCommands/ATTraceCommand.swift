import ArgumentParser

/// The `attrace` command: records, replays, decodes and analyzes AT-command traffic.
public struct ATTraceCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "attrace",
        abstract: "Record, replay, decode and analyze AT-command serial traffic (Quectel SSL, TCP/IP, FILE, HTTP, MQTT).",
        discussion: """
            Inputs are captures in attrace's pcap format (linktype 252, Wireshark opens them), pcapng, or text logs. Every subcommand has --help with examples.

            Examples:
              attrace decode Samples/captures/ssl/g3-buffer-mode.pcap
              attrace decode field.pcap --format json | jq 'select(.type=="transaction")'
            """,
        version: "attrace \(version)",
        subcommands: [DecodeCommand.self, AnalyzeCommand.self, ConvertCommand.self, CaptureCommand.self, DiffCommand.self,
                      ReplayCommand.self])

    public init() {}

    /// Runs the command line and exits with product.md §2's codes: 0 success, 1 findings at
    /// or above `--fail-on`, 2 usage error or unreadable input. Errors are one line on
    /// stderr, never a stack trace.
    public static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    public static func exit(withError error: Error) -> Never {
        if let exitCode = error as? ExitCode {
            StandardStreams.flushOutput()
            StandardStreams.terminate(exitCode.rawValue)
        }
        if let failure = error as? CommandFailure {
            StandardStreams.flushOutput()
            StandardStreams.writeError("attrace: \(failure.message)\n")
            StandardStreams.terminate(failure.exitCode)
        }
        let code = exitCode(for: error)
        if code == .success {
            // --help, --version
            StandardStreams.writeOutput(fullMessage(for: error) + "\n")
            StandardStreams.flushOutput()
            StandardStreams.terminate(0)
        }
        StandardStreams.flushOutput()
        let message = fullMessage(for: error)
        let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
        StandardStreams.writeError("attrace: \(firstLine.replacingErrorPrefix)\n")
        if message.contains("Usage:") || message.contains("Help:") {
            StandardStreams.writeError("Run 'attrace --help' or 'attrace <subcommand> --help' for usage.\n")
        }
        StandardStreams.terminate(2)
    }
}

extension String {
    /// ArgumentParser prefixes messages with "Error: "; ours say "attrace:" instead.
    var replacingErrorPrefix: String {
        hasPrefix("Error: ") ? String(dropFirst(7)) : self
    }
}
