/// Something in the input that fits no grammar, or a problem with the input itself.
///
/// Broken input is an output, never an exception (aesthetics.md §9 rule 3): the bytes
/// that caused it travel with the diagnostic, so no input byte is silently dropped.
public struct Diagnostic: Hashable, Sendable {
    public var code: DiagnosticCode
    public var message: String
    public var time: Timestamp?
    public var frame: Int
    public var channel: UInt32
    /// The side that sent `bytes` (`nil` for problems of the file itself).
    public var direction: Direction?
    /// The bytes this diagnostic accounts for (empty for file-level problems).
    public var bytes: [UInt8]

    public init(code: DiagnosticCode, message: String, time: Timestamp?, frame: Int,
                channel: UInt32 = 0, direction: Direction? = nil, bytes: [UInt8] = []) {
        self.code = code
        self.message = message
        self.time = time
        self.frame = frame
        self.channel = channel
        self.direction = direction
        self.bytes = bytes
    }
}

/// A stable diagnostic code (kebab-case). A struct, not an enum, so codes can be added
/// without breaking consumers; Docs/CLI.md lists them.
public struct DiagnosticCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The capture ends in a damaged record; every record before it was decoded.
    public static let truncatedCapture = DiagnosticCode(rawValue: "truncated-capture")
    /// Module output that is neither a line of text nor a known framing (garbage, wrong
    /// baud rate, CMUX or PPP frames on a command channel).
    public static let modemGarbage = DiagnosticCode(rawValue: "modem-garbage")
    /// A readable module line that no pending command explains and that is no known URC.
    public static let unexpectedLine = DiagnosticCode(rawValue: "unexpected-line")
    /// A final result code while no command was pending.
    public static let orphanResult = DiagnosticCode(rawValue: "orphan-result")
    /// Host bytes in command mode that are not an `AT` command line.
    public static let hostGarbage = DiagnosticCode(rawValue: "host-garbage")
    /// A line longer than the decoder buffers (64 KiB) without a line end.
    public static let overlongLine = DiagnosticCode(rawValue: "overlong-line")
    /// The input ended inside a line, a payload or a data-mode escape.
    public static let incompleteAtEnd = DiagnosticCode(rawValue: "incomplete-at-end")
    /// Records without a direction tag: directions were inferred from content.
    public static let directionInferred = DiagnosticCode(rawValue: "direction-inferred")
    /// A record the reader could not use (malformed exported-PDU tags, an event whose body
    /// is not a JSON object, a usbmon record read without the usbmon importer).
    public static let unreadableRecord = DiagnosticCode(rawValue: "unreadable-record")
    /// Lines of a text log that are not traffic (counted and skipped by an importer).
    public static let skippedLines = DiagnosticCode(rawValue: "skipped-lines")
    /// A CMUX frame that failed its check or could not be parsed.
    public static let cmuxFrame = DiagnosticCode(rawValue: "cmux-frame")
}

extension DiagnosticCode {
    /// Payload bytes whose transaction was already closed (abandoned by a later command).
    public static let orphanPayload = DiagnosticCode(rawValue: "orphan-payload")
    /// The capture cut this record short (caplen < original length): its bytes are
    /// decoded, the rest was never recorded.
    public static let snappedRecord = DiagnosticCode(rawValue: "snapped-record")
}
