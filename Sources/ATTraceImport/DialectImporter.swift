/// What a line says about a dialect, for auto-detection.
enum LineEvidence: Int, Comparable, Sendable {
    case none = 0
    /// A line the dialect's program writes that is not traffic (`ModemManager[812]: <info> …`).
    case program = 1
    /// A traffic line in the dialect's exact shape.
    case traffic = 2

    static func < (lhs: LineEvidence, rhs: LineEvidence) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One dialect's reader: cleaned lines in, records out through an ``ImportSink``. Each
/// importer emits one chunk per chunk the log shows (never merging or splitting them:
/// reassembly is the decoder's job), with the line number of its first line as the frame.
protocol DialectImporter {
    /// Whether the log shows exact bytes or lines that need V.250 framing rebuilt; read
    /// until the first record is written, so an importer may decide from its first lines.
    var framing: ImportSink.Framing { get }
    /// Reads one line (already cleaned by ``LineCleaner``; blank lines included).
    mutating func consume(_ line: LogLine, into sink: inout ImportSink)
    /// The input ended: emit what is still open.
    mutating func finish(into sink: inout ImportSink)
}

extension DialectImporter {
    mutating func finish(into sink: inout ImportSink) {}
}
