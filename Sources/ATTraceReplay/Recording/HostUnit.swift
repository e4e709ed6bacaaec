import ATTraceCore

/// One thing the host sent that the module reacts to (product.md §3 host side): a command
/// line, the payload after a `> ` prompt or an upload's `CONNECT`, the `+++` escape, or a
/// record of CMUX frames once `AT+CMUX` was answered `OK` (formats.md §5).
///
/// Bytes in transparent data mode are not units: the module does not answer them, so they
/// travel with the step that opened data mode (``RecordedStep/hostData``).
public enum HostUnit: Hashable, Sendable {
    case command(RecordedCommand)
    case payload(RecordedPayload)
    case escape(RecordedEscape)
    case frames(RecordedFrames)
}

/// A command line of the recording and how the module treated it.
public struct RecordedCommand: Hashable, Sendable {
    /// The decoded transaction's id in the original capture.
    public var transaction: Int
    /// The command line without its terminator, as sent.
    public var line: [UInt8]
    /// The bytes the host sent for it, terminator included (`AT<CR>`, `AT<CR><LF>`, `A/`).
    public var wireBytes: [UInt8]
    /// Canonical name and form of the line's first command (product.md §7.12).
    public var name: String
    public var form: CommandForm
    /// The module echoed the line (ATE1): a replay echoes the host's bytes as they arrive.
    public var isEchoed: Bool
    /// The final result line, `nil` when the module never answered.
    public var final: [UInt8]?

    public init(transaction: Int, line: [UInt8], wireBytes: [UInt8], name: String, form: CommandForm,
                isEchoed: Bool, final: [UInt8]?) {
        self.transaction = transaction
        self.line = line
        self.wireBytes = wireBytes
        self.name = name
        self.form = form
        self.isEchoed = isEchoed
        self.final = final
    }

    public var lineText: String { ByteText.string(line) }
}

/// A payload the host sent after a prompt or an upload's `CONNECT` (product.md §7.2).
public struct RecordedPayload: Hashable, Sendable {
    /// The transaction the payload belongs to.
    public var transaction: Int
    /// The payload without its terminator.
    public var bytes: [UInt8]
    /// How it ended: a count, Ctrl+Z, ESC, or short (the module answered first, §7.8).
    public var end: Payload.End
    /// The length the command announced, if any.
    public var declaredLength: Int?
    /// The payload came after `CONNECT` (an upload), not after a `> ` prompt.
    public var isUpload: Bool

    public init(transaction: Int, bytes: [UInt8], end: Payload.End, declaredLength: Int?, isUpload: Bool) {
        self.transaction = transaction
        self.bytes = bytes
        self.end = end
        self.declaredLength = declaredLength
        self.isUpload = isUpload
    }

    /// Whether the end is a terminator byte rather than a count.
    public var isTerminated: Bool { end == .ctrlZ || end == .escape }

    /// The bytes the host sent: the payload, then Ctrl+Z or ESC when that ended it.
    public var wireBytes: [UInt8] {
        switch end {
        case .ctrlZ: bytes + [0x1A]
        case .escape: bytes + [0x1B]
        case .count, .delimiter, .short, .endOfInput: bytes
        }
    }
}

/// The `+++` escape from data mode, answered `OK` (product.md §7.1, quectel-ssl.md §3.4).
public struct RecordedEscape: Hashable, Sendable {
    /// Host silence before the first `+` in the recording (`nil` when data mode began with
    /// it): a replay accepts an escape with as little silence as the recording had.
    public var silenceBefore: Duration?

    public init(silenceBefore: Duration?) {
        self.silenceBefore = silenceBefore
    }

    public static let wireBytes: [UInt8] = Array("+++".utf8)
}
