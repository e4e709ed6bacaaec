import ATTraceCore

/// Scripted serial traffic: a small line-oriented text format with one capture record per
/// row (Samples/scripts/README.md; the byte notation of quectel-ssl.md §9).
///
/// ```
/// @title G3 — buffer access mode (quectel-ssl.md §9 G3)
/// 0.000 > AT+QSSLSEND=4<CR>
/// 0.020 < <CR><LF>><SP>
/// 0.100 > {18 bytes: Test data from SSL}<SUB>
/// 0.150 < <CR><LF>SEND OK<CR><LF>
/// ```
///
/// Scripts are the project's sample traffic: tests decode them, and `convert` can turn a
/// capture into one with ``render()``. Frames are numbered 1… in row order (events
/// included), times are exact nanosecond offsets from `@start`.
public struct TraceScript: Hashable, Sendable {
    /// The name used in error messages (usually the file's path).
    public var name: String
    /// The `@title` line, if any.
    public var title: String?
    /// The absolute time of t = 0 (`@start`).
    public var start: Timestamp
    public var records: [CaptureRecord]
    /// `@truncate N`: the sample's capture file must lose its last N bytes (a torn tail).
    public var truncateBytes: Int?

    /// 2026-11-24T10:00:00Z, the `@start` of a script that gives none.
    public static let defaultStart = Timestamp(
        seconds: Timestamp.daysSinceEpoch(year: 2026, month: 11, day: 24) * 86_400 + 10 * 3600)

    /// The most bytes one row may produce (a guard against `{repeat …}` typos).
    public static let maximumRowLength = 64 << 20

    public init(name: String, title: String? = nil, start: Timestamp = TraceScript.defaultStart,
                records: [CaptureRecord], truncateBytes: Int? = nil) {
        self.name = name
        self.title = title
        self.start = start
        self.records = records
        self.truncateBytes = truncateBytes
    }

    /// Parses a script; `name` appears in error messages with the line number.
    public static func parse(_ text: String, name: String) throws(TraceScriptError) -> TraceScript {
        try TraceScriptParser.parse(text, name: name)
    }

    /// Writes the script back as text: printable ASCII literally, other bytes as tokens (runs
    /// of binary as `{hex: …}`), trailing spaces as `<SP>`.
    ///
    /// `parse(render())` gives the same records when the frames are numbered 1… in order.
    /// Diagnostic records and empty chunks have no row form; they are written as comments.
    public func render() -> String {
        TraceScriptRenderer.render(self)
    }

    /// The chunks of the script, in order.
    public var chunks: [TraceChunk] {
        records.compactMap { record in
            if case .chunk(let chunk) = record { return chunk }
            return nil
        }
    }
}
