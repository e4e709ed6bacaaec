import ArgumentParser
import ATTraceAnalysis
import ATTraceCore
import ATTraceIO
import ATTraceReplay

/// `attrace replay` (product.md §2, issue 5): a recording stands in for the modem (a pty
/// the host firmware opens) or for the host (driving a bench module), with a summary and an
/// exit status that says whether the other side followed the recording.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a capture back: as the modem on a pty (--as modem), or as the host against a device (--as host).",
        discussion: """
            --as modem serves a pty at --link and answers the host like the recorded module: each command line the host sends is matched to the recording (the same line first, then the same command name and form, in order) and answered with the recorded bytes: echo, responses, prompt, counted data, final result, and the URCs at their recorded offsets. Payloads after a prompt, uploads after CONNECT and transparent data mode (with the +++ escape and its 1 s guard times) are consumed as the module would. --speed scales the recorded delays; --fast drops them but still waits for the host's bytes before each answer. After AT+CMUX is answered OK, the host's CMUX frames are compared byte for byte with the recorded ones, record by record, and answered with the module's recorded frames. A command that matches nothing is answered ERROR (--on-mismatch error), not at all (silent), or ends the replay (stop); frames that differ get the recorded answer (error), none (silent), or end the replay (stop). The replay ends when the recording has been played.

            --as host sends the recorded host side to --device in order, waits for each final result (up to the command's maximum response time), for the prompt before a payload and for the URCs the recorded host waited for, plays recorded data-mode bytes, sends recorded CMUX frames as they are and waits for as many module bytes as the recording has after them, records the session to -w in attrace's capture format, and prints the transaction-level differences from the original (as attrace diff does).

            Exit status: 0 when the other side followed the recording (as modem: every recorded command was sent with its recorded line and payload, in order, to the end; as host: every unit was answered and the session shows no difference from the original); 1 when it did not (the summary lists each deviation or difference); 2 for usage errors, unreadable captures and devices or links that cannot be opened. SIGINT or SIGTERM end the replay early (exit 1, the summary says so). The workflow from the field to the bench: Docs/Replay.md.

            Examples:
              attrace replay field.pcap --as modem --link /tmp/ttyAT
              attrace replay field.pcap --as modem --link /tmp/ttyAT --fast
              attrace replay field.pcap --as modem --link /tmp/ttyAT --on-mismatch stop
              attrace replay field.pcap --as modem --link /tmp/ttyAT --speed 10
              attrace replay field.pcap --as host --device /dev/ttyUSB2 -w bench.pcap
              attrace diff field.pcap bench.pcap
            """)

    @Argument(help: ArgumentHelp("The capture to play (pcap, pcapng, trace script or text log).", valueName: "capture"))
    var capture: String

    @Option(name: .customLong("as"), help: ArgumentHelp("The side the replay plays: modem (serve --link) or host (drive --device).",
                                                        valueName: "modem|host"))
    var role: ReplayRole

    @Option(help: ArgumentHelp("As modem: the path the host opens (a symbolic link to the replay's pty).", valueName: "path"))
    var link: String?

    @Option(help: ArgumentHelp("As host: the serial device (or any tty) of the module to drive.", valueName: "device"))
    var device: String?

    @Option(help: ArgumentHelp("Play recorded delays this many times faster (0.5: twice as slow).", valueName: "x"))
    var speed: Double?

    @Flag(help: "Drop recorded delays; still wait for the other side's bytes before each answer.")
    var fast = false

    @Option(name: .customShort("w"), help: ArgumentHelp("As host: write the new session to this capture file.", valueName: "file.pcap"))
    var write: String?

    @Option(name: .customLong("on-mismatch"), help: ArgumentHelp(
        "As modem: what to do with a command the recording cannot match, or CMUX frames that differ: error (answer ERROR; the recorded answer to frames), silent (answer nothing), stop (end the replay).",
        valueName: "policy"))
    var onMismatch: MismatchPolicy?

    func validate() throws {
        if let speed, !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be a positive number") }
        if speed != nil && fast { throw ValidationError("--speed and --fast cannot be used together") }
        switch role {
        case .modem:
            guard link != nil else { throw ValidationError("--as modem needs --link PATH") }
            if device != nil { throw ValidationError("--device applies to --as host; --as modem serves --link") }
            if write != nil { throw ValidationError("-w applies to --as host") }
        case .host:
            guard device != nil else { throw ValidationError("--as host needs --device DEV") }
            if link != nil { throw ValidationError("--link applies to --as modem; --as host drives --device") }
            if onMismatch != nil { throw ValidationError("--on-mismatch applies to --as modem") }
        }
    }

    var timing: ReplayTiming {
        ReplayTiming(speed: speed ?? 1, dropsDelays: fast)
    }

    func run() throws {
        let (recording, name) = try RecordingLoader.load(capture)
        for channel in recording.ignoredChannels {
            StandardStreams.writeError("attrace: warning: \(name): channel \(channel) is left out; replay plays channel \(recording.channel)\n")
        }
        let control: TapControl
        do {
            control = try TapControl()
        } catch {
            throw CommandFailure(error.description)
        }
        control.installSignalHandlers()
        switch role {
        case .modem: try runModem(recording, name: name, control: control)
        case .host: try runHost(recording, name: name, control: control)
        }
    }

    private func runModem(_ recording: Recording, name: String, control: TapControl) throws {
        guard let link else { return }
        let modem = ModemImpersonator(recording: recording, timing: timing, policy: onMismatch ?? .error)
        let replay: ModemReplay
        do {
            replay = try ModemReplay(modem: modem, linkPath: link, control: control)
        } catch {
            throw CommandFailure(error.description)
        }
        if StandardStreams.isErrorTerminal {
            StandardStreams.writeError("attrace: playing the modem of \(name) at \(link) (\(replay.slavePath)); stop with Ctrl-C\n")
        }
        let report = replay.run()
        let formatter = ReplayReportFormatter(title: "replay of \(name) as the modem at \(link)")
        StandardStreams.writeOutput(formatter.text(report, role: .modem))
        if !report.hostFollowedRecording { throw ExitCode(1) }
    }

    private func runHost(_ recording: Recording, name: String, control: TapControl) throws {
        guard let device else { return }
        let driver = HostDriver(recording: recording, timing: timing)
        let output = write.map { CaptureOutput(path: $0) }
        let replay: HostReplay
        do {
            replay = try HostReplay(driver: driver, devicePath: device, output: output, control: control,
                                    tool: "attrace \(ATTraceCommand.version)", startFields: [("replay_of", .string(name))])
        } catch {
            throw CommandFailure(error.description)
        }
        if StandardStreams.isErrorTerminal {
            StandardStreams.writeError("attrace: playing the host of \(name) on \(device); stop with Ctrl-C\n")
        }
        let (report, failure) = replay.run()
        if let failure { throw CommandFailure(failure.description) }
        let formatter = ReplayReportFormatter(title: "replay of \(name) as the host on \(device)" + (write.map { " → \($0)" } ?? ""))
        StandardStreams.writeOutput(formatter.text(report, role: .host))
        let hasDifferences = writeDifferences(original: recording.decoded, originalName: name,
                                              session: ATStreamDecoder.decode(replay.session), sessionName: write ?? device)
        if !report.hostFollowedRecording || hasDifferences { throw ExitCode(1) }
    }

    /// The transaction-level differences between the original and the new session, by the
    /// engine and format of `attrace diff`; `true` when there are any.
    private func writeDifferences(original: [DecodedRecord], originalName: String, session: [DecodedRecord],
                                  sessionName: String) -> Bool {
        var out = StandardStreams.outputWriter()
        defer { out.flush() }
        let (entries, summary) = CaptureComparator.compare(original, session)
        let formatter = DiffTextFormatter(nameA: originalName, nameB: sessionName, useColor: false)
        out.write("\n")
        formatter.writeHeader(to: &out)
        for entry in entries { formatter.write(entry, to: &out) }
        formatter.writeSummary(summary, to: &out)
        return summary.hasDifferences
    }
}
