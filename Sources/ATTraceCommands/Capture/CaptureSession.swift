#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import ATTraceIO

/// Runs one capture tap from a command (product.md §2, §6): opens the output, installs the
/// stop signals, builds the tap, runs it on this thread until SIGTERM/SIGINT/SIGHUP (or the
/// end of the input), and finishes the file. Setup errors become one line on stderr and
/// exit status 2.
enum CaptureSession {
    /// A tap ready to run: `run` returns the stop reason.
    struct Tap {
        var run: () -> String
        /// Undoes the tap's set-up when the session cannot start after it was built.
        var abandon: () -> Void = {}
        /// Lines to show on stderr once the tap is running (warnings always, the notice
        /// only on a terminal).
        var warnings: [String] = []
        var notice: String
    }

    static func run(_ options: CaptureOutputOptions, timeStyle: TextTimelineFormatter.TimeStyle = .relative,
                    makeTap: (CaptureRecorder, TapControl) throws(TapError) -> Tap) throws {
        let view = options.decode ? LiveDecodeView(timeStyle: timeStyle) : nil
        let output = options.captureOutput
        let recorder: CaptureRecorder
        let control: TapControl
        do {
            recorder = try CaptureRecorder(output: output, observer: view?.observer)
            control = try TapControl()
        } catch {
            throw CommandFailure(error.description)
        }
        // Installed before the tap exists: a signal during setup stops it at its first turn.
        control.installSignalHandlers()
        // A session that cannot start leaves no new file behind, and no device changed.
        func giveUp(_ error: TapError, abandoning tap: Tap? = nil) -> CommandFailure {
            tap?.abandon()
            _ = recorder.finish()
            if !output.append && !output.rotates { unlink(recorder.firstPath) }
            return CommandFailure(error.description)
        }
        let tap: Tap
        do {
            tap = try makeTap(recorder, control)
        } catch {
            throw giveUp(error)
        }
        do {
            try recorder.start()
            try view?.start()
        } catch {
            // The device was configured and the link created: they are given back.
            throw giveUp(error, abandoning: tap)
        }
        for warning in tap.warnings {
            StandardStreams.writeError("attrace: warning: \(warning)\n")
        }
        if StandardStreams.isErrorTerminal {
            StandardStreams.writeError("attrace: \(tap.notice); stop with Ctrl-C\n")
        }
        let reason = tap.run()
        let summary = recorder.finish()
        view?.finish()
        if let failure = summary.failure {
            throw CommandFailure(failure.description)
        }
        if StandardStreams.isErrorTerminal {
            var line = "attrace: stopped (\(reason)); \(summary.recordsWritten) records written to \(summary.lastPath)"
            if summary.lostRecords > 0 { line += ", \(summary.lostRecords) records lost (see capture_lost events)" }
            StandardStreams.writeError(line + "\n")
        }
    }
}
