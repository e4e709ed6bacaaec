/// What the host wrote in one capture record while the CMUX multiplexer ran (3GPP TS 27.010
/// basic option; formats.md §5): frames, a part of a frame, or several, kept byte for byte.
///
/// A replay does not re-frame or interpret them: the module's recorded frames answer the
/// host's recorded frames, so comparing and sending the host's bytes exactly is what keeps
/// the conversation the original (Docs/Replay.md "How a recording is built").
public struct RecordedFrames: Hashable, Sendable {
    /// The host's bytes of the record, exactly as captured.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
