import ATTraceCore

/// What a replay did (issue 5 §1: "a summary at the end … and an exit code that says
/// whether the host followed the recording").
public struct ReplayReport: Hashable, Sendable {
    /// Command lines in the recording.
    public var recordedCommands: Int
    /// Recorded commands the host sent with the very same line.
    public var exactMatches = 0
    /// Recorded commands matched by name and form, with another line.
    public var nameMatches = 0
    /// Host records of CMUX frames in the recording (``HostUnit/frames(_:)``).
    public var recordedFrameUnits: Int
    /// Those the host sent byte for byte as recorded (as modem), or that the module
    /// answered with as many bytes as recorded (as host).
    public var frameMatches = 0
    /// Recorded steps (commands, payloads, escapes, frames) played.
    public var stepsPlayed = 0
    public var totalSteps: Int
    /// Bytes the host sent in data mode.
    public var hostDataBytes = 0
    public var deviations: [ReplayDeviation] = []
    /// Why the replay ended (`nil` while it runs).
    public var ending: Ending?

    public enum Ending: String, Hashable, Sendable {
        /// Every step of the recording was played.
        case completed
        /// `--on-mismatch stop` ended it at the first mismatch.
        case stoppedOnMismatch = "stopped on mismatch"
        /// The replay was interrupted (signal, the link went away) before the end.
        case interrupted
    }

    public init(recordedCommands: Int, totalSteps: Int, recordedFrameUnits: Int = 0) {
        self.recordedCommands = recordedCommands
        self.totalSteps = totalSteps
        self.recordedFrameUnits = recordedFrameUnits
    }

    /// The report of a replay of `recording`, before anything was played.
    public init(of recording: Recording) {
        self.init(recordedCommands: recording.commands.count, totalSteps: recording.steps.count,
                  recordedFrameUnits: recording.frameUnitCount)
    }

    /// The host sent exactly the recorded commands, payloads and frames, in order, to the end.
    public var hostFollowedRecording: Bool {
        deviations.isEmpty && stepsPlayed == totalSteps && ending == .completed
    }

    public func count(of kind: ReplayDeviation.Kind) -> Int {
        deviations.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) }
    }
}
