/// Raw bytes carried inside a transaction or URC: the host's payload after a `> ` prompt or
/// a `CONNECT` upload (`tx`), or the module's counted data (`rx`, direct-push URC data).
public struct Payload: Hashable, Sendable {
    /// The payload bytes (without a Ctrl+Z terminator; an ESC-cancelled payload is kept).
    /// At most ``Payload/storageLimit`` bytes are kept; `length` counts them all.
    public var bytes: [UInt8]
    /// How many payload bytes were on the wire.
    public var length: Int
    /// The length the command or header announced, when there was one.
    public var declaredLength: Int?
    /// Time of the first payload byte (or of the header when the payload is empty).
    public var time: Timestamp
    /// Time of the last payload byte (or of the terminator).
    public var endTime: Timestamp
    public var end: End

    /// How a payload ended.
    public enum End: String, Hashable, Sendable {
        /// The announced number of bytes arrived.
        case count
        /// Ctrl+Z (0x1A) ended a variable-length payload.
        case ctrlZ = "ctrl-z"
        /// ESC (0x1B) cancelled a variable-length payload.
        case escape
        /// A closing line (such as `+QFDWL: …` or the `OK` of `AT+QHTTPREAD`) ended it.
        case delimiter
        /// The other side answered, or the host sent its next command, before the
        /// announced length arrived (product.md §7.8).
        case short
        /// The input ended first.
        case endOfInput = "end-of-input"
    }

    /// Payloads longer than this keep only their first bytes in memory and in output
    /// (`length` still counts every byte). It keeps memory flat on hostile input.
    public static let storageLimit = 4 << 20

    public init(bytes: [UInt8], length: Int? = nil, declaredLength: Int?, time: Timestamp,
                endTime: Timestamp, end: End) {
        self.bytes = bytes
        self.length = length ?? bytes.count
        self.declaredLength = declaredLength
        self.time = time
        self.endTime = endTime
        self.end = end
    }

    /// `true` when the wire carried a different number of bytes than announced.
    public var hasLengthMismatch: Bool {
        guard let declaredLength else { return false }
        return declaredLength != length
    }

    /// `true` when `bytes` holds fewer bytes than `length` (see ``storageLimit``).
    public var isStorageTruncated: Bool { bytes.count < length }
}
