import ATTraceCore

/// Imports a field log (spec/log-dialects.md) as capture records, streaming: feed lines
/// in file order with ``consume(_:)``, take records with ``nextRecord()``, call
/// ``finish()`` at the end.
///
/// The first record is the synthetic recorder event
/// `{"event":"start","tool":…,"mode":"import","dialect":…,"framing":"exact"|"reconstructed","clock":…,"skipped_lines":N}`
/// (`skipped_lines` counts the noise lines before it; the total is in a final
/// `skipped-lines` diagnostic). Then one chunk per chunk the log shows, with the line
/// number of its first line as the frame, channel 0, and the direction the log gives
/// (`unknown` when it gives none: the decoder infers it).
///
///     var importer = try FieldLogImporter(dialect: .modemManager, sample: firstLines)
///     for line in lines { importer.consume(line); while let record = importer.nextRecord() { … } }
///     importer.finish()
///     while let record = importer.nextRecord() { … }
public struct FieldLogImporter {
    public let dialect: LogDialect
    /// For `serial-monitor`: the dialect it wraps.
    public let innerDialect: LogDialect?
    private var importer: any DialectImporter
    private var sink: ImportSink
    private let quoteDepth: Int
    public private(set) var isFinished = false

    /// - Parameters:
    ///   - sample: the first lines of the log (what ``DialectDetector`` saw): dialects that
    ///     configure themselves from content (the arrow meanings of `arrow-pair`, hex data
    ///     in `regex`, the dialect inside `serial-monitor`, markdown quoting) read it.
    ///   - detection: the detector's result, when the dialect was detected.
    public init(dialect: LogDialect, options: ImportOptions = ImportOptions(), sample: [LogLine] = [],
                detection: DialectDetection? = nil) throws(ImportError) {
        self.dialect = dialect
        var depth = detection?.quoteDepth ?? DialectDetector.quoteDepth(for: dialect, sample: sample)
        if dialect == .regex {
            depth = try Self.regexQuoteDepth(options: options, sample: sample)
        }
        quoteDepth = depth
        let cleaned = sample.map { LogLine(number: $0.number, bytes: LineCleaner.clean($0.bytes, quoteDepth: depth)) }
        var inner: LogDialect?
        if dialect == .serialMonitor {
            inner = detection?.innerDialect ?? DialectDetector.innerDialect(of: cleaned.map(\.bytes))
        }
        innerDialect = inner
        importer = try Self.makeImporter(dialect, inner: inner, options: options, sample: cleaned)
        sink = ImportSink(dialect: dialect.id, tool: options.tool, framing: importer.framing)
        if let inner { sink.extraStartFields.append(("wraps", .string(inner.id))) }
        if options.assignsInferredDirections && [.raw, .tinyGSM, .regex].contains(inner ?? dialect) {
            sink.extraStartFields.append(("directions", .string("inferred")))
        }
    }

    /// The markdown quote depth under which the user's pattern matches more sample lines.
    private static func regexQuoteDepth(options: ImportOptions, sample: [LogLine]) throws(ImportError) -> Int {
        let importer = try RegexImporter(options: options, sample: [])
        let quoted = sample.map { LineCleaner.quoteDepth(of: LineCleaner.normalize($0.bytes)) }.filter { $0 > 0 }
        guard let depth = quoted.min(), quoted.count * 2 >= sample.count else { return 0 }
        let plain = importer.matchCount(sample.map { LineCleaner.clean($0.bytes, quoteDepth: 0) })
        let unquoted = importer.matchCount(sample.map { LineCleaner.clean($0.bytes, quoteDepth: depth) })
        return unquoted > plain ? depth : 0
    }

    static func makeImporter(_ dialect: LogDialect, inner: LogDialect? = nil, options: ImportOptions,
                             sample: [LogLine]) throws(ImportError) -> any DialectImporter {
        switch dialect {
        case .modemManager, .mmtty: return ModemManagerImporter()
        case .socat: return SocatImporter(hostSide: options.hostSide)
        case .interceptty: return InterceptTTYImporter()
        case .mbed: return MbedImporter()
        case .stCellular: return STCellularImporter()
        case .ewf: return EWFImporter()
        case .particle: return ParticleImporter()
        case .espModemHex: return ESPModemHexImporter()
        case .pybytes: return PybytesImporter()
        case .qNavigator: return QNavigatorImporter()
        case .serialMonitor:
            let wrapped = inner ?? .raw
            let innerSample = sample.map { LogLine(number: $0.number, bytes: SerialMonitorImporter.removePrefix($0.bytes)?.rest ?? $0.bytes) }
            return SerialMonitorImporter(inner: try makeImporter(wrapped == .serialMonitor ? .raw : wrapped,
                                                                 options: options, sample: innerSample))
        case .tinyGSM: return TinyGSMImporter(assignsDirections: options.assignsInferredDirections)
        case .arrowPair: return ArrowPairImporter(options: options, sample: sample)
        case .raw: return RawImporter(assignsDirections: options.assignsInferredDirections)
        case .regex: return try RegexImporter(options: options, sample: sample)
        }
    }

    /// Reads the next line of the log.
    public mutating func consume(_ line: LogLine) {
        precondition(!isFinished, "consume after finish")
        let normalized = LineCleaner.normalize(line.bytes)
        let unquoted = LineCleaner.removeQuote(normalized, depth: quoteDepth)
        if LineCleaner.isCodeFence(unquoted) {
            sink.skip(line)
            return
        }
        let cleaned = LogLine(number: line.number, bytes: LineCleaner.removeEmphasis(unquoted))
        if !sink.hasStarted { sink.framing = importer.framing }
        importer.consume(cleaned, into: &sink)
        if !sink.hasStarted { sink.framing = importer.framing }
    }

    /// Ends the log: open entries are emitted, skipped lines and clamped times reported.
    public mutating func finish() {
        guard !isFinished else { return }
        isFinished = true
        importer.finish(into: &sink)
        if !sink.hasStarted { sink.framing = importer.framing }
        sink.finish()
    }

    /// The next record ready, or `nil` until more lines (or ``finish()``) produce one.
    public mutating func nextRecord() -> CaptureRecord? {
        sink.nextRecord()
    }

    /// Imports a whole log held in memory: detects the dialect unless one is given.
    public static func importLog<C: Collection>(_ bytes: C, dialect: LogDialect? = nil,
                                                options: ImportOptions = ImportOptions(),
                                                name: String = "input") throws(ImportError) -> [CaptureRecord]
        where C.Element == UInt8 {
        let lines = LogLine.lines(of: bytes)
        let sample = Array(lines.filter { !ByteSearch.isBlank($0.bytes) }.prefix(DialectDetector.sampleSize))
        var detection: DialectDetection?
        let chosen: LogDialect
        if let dialect {
            chosen = dialect
        } else if options.pattern != nil {
            chosen = .regex
        } else {
            guard let detected = DialectDetector.detect(sample) else { throw .unrecognized(name: name) }
            detection = detected
            chosen = detected.dialect
        }
        var importer = try FieldLogImporter(dialect: chosen, options: options, sample: sample, detection: detection)
        var records: [CaptureRecord] = []
        for line in lines {
            importer.consume(line)
            while let record = importer.nextRecord() { records.append(record) }
        }
        importer.finish()
        while let record = importer.nextRecord() { records.append(record) }
        return records
    }

    public static func importLog(_ text: String, dialect: LogDialect? = nil, options: ImportOptions = ImportOptions(),
                                 name: String = "input") throws(ImportError) -> [CaptureRecord] {
        try importLog(Array(text.utf8), dialect: dialect, options: options, name: name)
    }
}
