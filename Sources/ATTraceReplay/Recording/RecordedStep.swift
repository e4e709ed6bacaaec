import ATTraceCore

/// One host unit of a recording and everything the module sent after it until the host's
/// next unit began (issue 5 §1): echo, responses, prompt, counted data, final result, URCs
/// and data-mode bytes, with their offsets.
public struct RecordedStep: Hashable, Sendable {
    public var unit: HostUnit
    /// The module's bytes, in order, echo excluded when the command is echoed live.
    public var output: [RecordedOutput]
    /// Host bytes sent in data mode during this step (after its `CONNECT`), offsets from the
    /// unit's end; the host side of a replay plays them.
    public var hostData: [TimedBytes]
    /// URCs the module sent during this step (name and offset from the unit's end): the
    /// host side of a replay waits for them before its next unit, as the recorded host did.
    public var urcs: [RecordedURC]
    /// From the last module byte before the host's next unit to that unit (the recorded
    /// host's pause), or from this unit's end when the module sent nothing.
    public var pauseAfter: Duration
    /// The host sent its next unit before this command's final result came (product.md
    /// §7.7 pipelining): the host side of a replay does not wait for the answer either.
    public var isPipelined: Bool
    /// Time of the unit's last byte in the original capture.
    public var time: Timestamp
    /// The first record of the unit in the original capture.
    public var frame: Int

    public init(unit: HostUnit, output: [RecordedOutput] = [], hostData: [TimedBytes] = [], urcs: [RecordedURC] = [],
                pauseAfter: Duration = .zero, isPipelined: Bool = false, time: Timestamp, frame: Int) {
        self.unit = unit
        self.output = output
        self.hostData = hostData
        self.urcs = urcs
        self.pauseAfter = pauseAfter
        self.isPipelined = isPipelined
        self.time = time
        self.frame = frame
    }

    /// The command when the unit is one.
    public var command: RecordedCommand? {
        if case .command(let command) = unit { return command }
        return nil
    }

    /// The module's bytes of the step, concatenated.
    public var outputBytes: [UInt8] { output.flatMap(\.bytes) }

    /// The mode the step leaves the channel in, when it changes it.
    public var modeAfter: ChannelMode? { output.last(where: { $0.modeAfter != nil })?.modeAfter }
}

/// Bytes with their offset from a reference moment.
public struct TimedBytes: Hashable, Sendable {
    public var offset: Duration
    public var bytes: [UInt8]

    public init(offset: Duration, bytes: [UInt8]) {
        self.offset = offset
        self.bytes = bytes
    }
}

/// A URC of the recording: its name (`+QSSLOPEN`) and when it came.
public struct RecordedURC: Hashable, Sendable {
    public var name: String
    public var offset: Duration
    /// It is the asynchronous result of the step's command (catalog `asyncResults`).
    public var isAsyncResult: Bool

    public init(name: String, offset: Duration, isAsyncResult: Bool) {
        self.name = name
        self.offset = offset
        self.isAsyncResult = isAsyncResult
    }
}
