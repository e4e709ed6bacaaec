import ATTraceCore

/// Turns what a dialect importer found into capture records: the synthetic `start` event
/// first, then one chunk per logged chunk on a clock that never goes backwards, then the
/// counts of skipped lines and clamped times (the import design in Docs/Import.md).
///
/// Times: the most precise time of a line is placed on the capture's clock (absolute UTC;
/// relative times after 1970-01-01T00:00:00Z; times of day on 1970-01-01, with a day added
/// when the time of day jumps back by more than 12 hours). Lines without a time take the
/// latest time seen. Records before the first time are held (up to ``holdLimit``) and
/// take that first time, so `rel` does not start at 1970 when the first lines lack one.
struct ImportSink {
    enum Framing: String, Sendable {
        /// The log shows the bytes with their line ends.
        case exact
        /// The log shows lines without line ends; V.250 framing was rebuilt (product.md §7.14).
        case reconstructed
    }

    /// A record whose time is not known yet.
    private enum Pending {
        case chunk(bytes: [UInt8], direction: Direction, frame: Int, channel: UInt32)
        case diagnostic(code: DiagnosticCode, message: String, frame: Int, direction: Direction?, bytes: [UInt8])

        var frame: Int {
            switch self {
            case .chunk(_, _, let frame, _): frame
            case .diagnostic(_, _, let frame, _, _): frame
            }
        }
    }

    static let holdLimit = 4096
    static let dayNanoseconds: Int64 = 86_400 * 1_000_000_000

    let dialect: String
    let tool: String
    var framing: Framing
    /// More start-event fields (`"wraps": "tinygsm"` for the serial monitor, …).
    var extraStartFields: [(key: String, value: JSONValue)] = []

    private var output: [CaptureRecord] = []
    private var outputHead = 0
    private var held: [Pending] = []
    private(set) var hasStarted = false
    private var clock: String?
    /// The latest time observed on any line, on the capture's clock.
    private var currentTime: Timestamp?
    /// The time of the last record written (the clamp floor).
    private var lastWritten = Timestamp(nanoseconds: 0)
    private var wrapperGivesTime = false
    private var dayOffset: Int64 = 0
    private var lastTimeOfDay: Int64?
    private(set) var skippedCount = 0
    /// The skipped lines before the first record: the start event's count, also when the
    /// start waits for a time that comes later.
    private var skippedBeforeFirstRecord: Int?
    private var skippedExample: (line: Int, text: String)?
    private var clampCount = 0
    private var firstClampLine = 0

    init(dialect: String, tool: String, framing: Framing) {
        self.dialect = dialect
        self.tool = tool
        self.framing = framing
    }

    // MARK: - What importers report

    /// A time seen on a line (also a noise line), without a record. Ignored once a wrapper
    /// (the serial monitor) has given the times.
    mutating func observe(_ time: LogTime) {
        guard !wrapperGivesTime else { return }
        setCurrentTime(time)
    }

    /// A time from a wrapping dialect's prefix: it wins over the wrapped dialect's own times
    /// (the monitor's time of day is the more precise and the more consistent one).
    mutating func observeWrapperTime(_ time: LogTime) {
        wrapperGivesTime = true
        setCurrentTime(time)
    }

    private mutating func setCurrentTime(_ time: LogTime) {
        var nanoseconds: Int64
        switch time {
        case .absolute(let timestamp):
            nanoseconds = timestamp.nanoseconds
        case .sinceBoot(let value):
            nanoseconds = value
        case .timeOfDay(let value):
            if let last = lastTimeOfDay, value + Self.dayNanoseconds / 2 < last { dayOffset += 1 }
            lastTimeOfDay = value
            // Wrapping like the capture's clock (Timestamp): a hostile log that wraps the
            // day a hundred thousand times gets times that go backwards, not a crash.
            nanoseconds = dayOffset &* Self.dayNanoseconds &+ value
        }
        if clock == nil { clock = time.clock }
        currentTime = Timestamp(nanoseconds: nanoseconds)
        // Only records wait for a time; a time on a noise line before any traffic does not
        // start the capture, or the noise lines after it would not count as before it.
        if !hasStarted && !held.isEmpty { start() }
    }

    /// One logged chunk of serial bytes.
    mutating func emit(_ bytes: [UInt8], direction: Direction, line: Int, time: LogTime? = nil, channel: UInt32 = 0) {
        guard !bytes.isEmpty else { return }
        if let time { observe(time) }
        write(.chunk(bytes: bytes, direction: direction, frame: line, channel: channel))
    }

    /// A line that is not traffic: counted, and the first one kept as the example.
    mutating func skip(_ line: LogLine) {
        skippedCount += 1
        if skippedExample == nil { skippedExample = (line.number, line.excerpt()) }
    }

    /// Noise inside a line (prose in a raw paste): counted like a skipped line.
    mutating func skipText(_ text: [UInt8], line: Int) {
        skip(LogLine(number: line, bytes: text))
    }

    /// A problem the importer found (a truncated chunk, a payload the log left out).
    mutating func diagnose(_ code: DiagnosticCode, _ message: String, line: Int, direction: Direction? = nil,
                           bytes: [UInt8] = []) {
        write(.diagnostic(code: code, message: message, frame: line, direction: direction, bytes: bytes))
    }

    /// An entry whose end the log does not show (`closing` is what is missing, e.g. "closing
    /// bracket"): its bytes were decoded as shown.
    mutating func diagnoseCutOff(line: Int, missing closing: String, decoded count: Int, of total: Int? = nil) {
        let amount = total.map { "\(count) of its \($0) B" } ?? "\(count) B"
        diagnose(.truncatedEntry, "line \(line): the entry is cut off (no \(closing)); \(amount) decoded as shown", line: line)
    }

    /// Ends the input: releases held records and reports skipped lines and clamped times.
    mutating func finish() {
        if !hasStarted { start() }
        if skippedCount > 0, let example = skippedExample {
            let lines = skippedCount == 1 ? "1 line that is" : "\(skippedCount) lines that are"
            append(.diagnostic(Diagnostic(
                code: .skippedLines,
                message: "skipped \(lines) not traffic, e.g. line \(example.line): \"\(example.text)\"",
                time: lastWritten, frame: example.line)))
        }
        if clampCount > 0 {
            let times = clampCount == 1 ? "1 time" : "\(clampCount) times"
            append(.diagnostic(Diagnostic(
                code: .timeWentBackwards,
                message: "\(times) went backwards and took the previous time instead, first at line \(firstClampLine)",
                time: lastWritten, frame: firstClampLine)))
        }
    }

    // MARK: - Output

    mutating func nextRecord() -> CaptureRecord? {
        guard outputHead < output.count else {
            if !output.isEmpty {
                output.removeAll(keepingCapacity: true)
                outputHead = 0
            }
            return nil
        }
        defer { outputHead += 1 }
        return output[outputHead]
    }

    // MARK: - Internals

    private mutating func write(_ pending: Pending) {
        if !hasStarted {
            if skippedBeforeFirstRecord == nil { skippedBeforeFirstRecord = skippedCount }
            held.append(pending)
            if currentTime != nil || held.count >= Self.holdLimit { start() }
            return
        }
        place(pending)
    }

    /// Writes the start event and the held records.
    private mutating func start() {
        hasStarted = true
        let time = currentTime ?? Timestamp(nanoseconds: 0)
        lastWritten = time
        var fields: [(key: String, value: JSONValue)] = [
            ("event", .string("start")), ("tool", .string(tool)), ("mode", .string("import")),
            ("dialect", .string(dialect)),
        ]
        fields += extraStartFields
        fields += [("framing", .string(framing.rawValue)), ("clock", .string(clock ?? "none")),
                   ("skipped_lines", .integer(Int64(skippedBeforeFirstRecord ?? skippedCount)))]
        append(.event(RecorderEvent(time: time, frame: 0, fields: fields)))
        let records = held
        held.removeAll()
        for pending in records { place(pending) }
    }

    private mutating func place(_ pending: Pending) {
        var time = currentTime ?? lastWritten
        if time < lastWritten {
            clampCount += 1
            if clampCount == 1 { firstClampLine = pending.frame }
            time = lastWritten
        }
        lastWritten = time
        switch pending {
        case .chunk(let bytes, let direction, let frame, let channel):
            append(.chunk(TraceChunk(time: time, frame: frame, channel: channel, direction: direction, bytes: bytes)))
        case .diagnostic(let code, let message, let frame, let direction, let bytes):
            append(.diagnostic(Diagnostic(code: code, message: message, time: time, frame: frame,
                                          direction: direction, bytes: bytes)))
        }
    }

    private mutating func append(_ record: CaptureRecord) {
        output.append(record)
    }
}
