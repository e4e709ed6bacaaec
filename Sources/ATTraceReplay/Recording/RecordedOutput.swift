import ATTraceCore

/// Module bytes of a recording, as one capture record carried them, with when they came
/// (issue 5: "answers with the recorded module bytes … at their recorded offsets").
public struct RecordedOutput: Hashable, Sendable {
    /// From the moment the host unit that triggers them was complete (its `<CR>`, the last
    /// payload byte, the last `+` of an escape) to the record; negative for bytes the
    /// module sent while the host was still typing. For output with ``afterPayloadBytes``
    /// or ``afterHostData``, from the host record that brought the count there.
    public var offset: Duration
    public var bytes: [UInt8]
    /// The channel's mode once these bytes are out, when they change it (`CONNECT` enters
    /// data mode; `NO CARRIER`, the `OK` of an escape or of a DTR edge leave it).
    public var modeAfter: ChannelMode?
    /// Payload bytes the host had sent before these bytes, for output that answers a
    /// payload in progress (`AT+QFUPL` ACK mode sends `A` per 1024 bytes); `nil` otherwise.
    public var afterPayloadBytes: Int?
    /// Data-mode bytes the host had sent in this data session before these bytes, when it
    /// had sent any: a replay plays them only once the host has sent as much (the module's
    /// data answers the host's, §7.15 "waits for the host's bytes before each answer").
    public var afterHostData: Int?
    /// The record it came from in the original capture.
    public var frame: Int

    public init(offset: Duration, bytes: [UInt8], modeAfter: ChannelMode? = nil, afterPayloadBytes: Int? = nil,
                afterHostData: Int? = nil, frame: Int) {
        self.offset = offset
        self.bytes = bytes
        self.modeAfter = modeAfter
        self.afterPayloadBytes = afterPayloadBytes
        self.afterHostData = afterHostData
        self.frame = frame
    }
}

/// Command mode or online data mode of a channel (quectel-ssl.md §3.4).
public enum ChannelMode: String, Hashable, Sendable {
    case command
    case data
}
