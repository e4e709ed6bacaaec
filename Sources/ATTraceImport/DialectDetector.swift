/// Picks a log's dialect from its first lines (log-dialects.md: "Auto-detection picks the
/// dialect from the first lines").
///
/// Every line of the sample is weighed by every dialect: a traffic line in the dialect's
/// exact shape counts 2, a non-traffic line of the same program 1. The dialect with the
/// highest sum wins; ties go to the more specific dialect (``LogDialect/detectable`` order).
/// A dialect needs two traffic entries on two lines (one line when the log is collapsed)
/// and on a tenth of the lines; `tinygsm` also needs one of its `###` lines,
/// and `raw` (which recognises any AT command or result line) needs two traffic lines that
/// make up a third of the sample. Markdown quoting (`> ` on most lines) is tried as well,
/// and kept when it scores at least as well: socat's and interceptty's own `>` markers
/// score worse when taken for quotes, so they are never removed.
public enum DialectDetector {
    /// How many non-blank lines the command layer reads ahead for detection.
    public static let sampleSize = 50

    public static func detect(_ sample: [LogLine]) -> DialectDetection? {
        var best: DialectDetection?
        for depth in candidateDepths(sample) {
            let lines = sample.map { LineCleaner.clean($0.bytes, quoteDepth: depth) }
                .filter { !ByteSearch.isBlank($0) && !LineCleaner.isCodeFence($0) }
            guard !lines.isEmpty else { continue }
            for dialect in LogDialect.detectable {
                guard let score = score(dialect, lines) else { continue }
                // A quoted reading that scores as well as the plain one wins: the plain
                // reading then only found entries in the middle of quoted lines.
                if best == nil || score > best!.score || (depth > 0 && score == best!.score && best!.quoteDepth == 0 && best!.dialect == dialect) {
                    var inner: LogDialect?
                    if dialect == .serialMonitor {
                        inner = innerDialect(of: lines)
                    }
                    best = DialectDetection(dialect: dialect, quoteDepth: depth, innerDialect: inner, score: score)
                }
            }
        }
        return best
    }

    /// The markdown quote depth to use for a dialect given by the user: the quoted reading
    /// when it recognises more lines.
    public static func quoteDepth(for dialect: LogDialect, sample: [LogLine]) -> Int {
        var bestDepth = 0
        var bestScore = -1
        for depth in candidateDepths(sample) {
            let lines = sample.map { LineCleaner.clean($0.bytes, quoteDepth: depth) }.filter { !ByteSearch.isBlank($0) }
            let value = lines.reduce(0) { total, line in total + evidence(dialect, line).reduce(0) { $0 + $1.rawValue } }
            if value > bestScore || (depth > 0 && value == bestScore) {
                bestScore = value
                bestDepth = depth
            }
        }
        return bestDepth
    }

    /// The dialect a serial monitor wraps, from its lines without the monitor's prefix.
    static func innerDialect(of lines: [[UInt8]]) -> LogDialect {
        let stripped = lines.flatMap(SerialMonitorImporter.segments).map { SerialMonitorImporter.removePrefix($0)?.rest ?? $0 }
        var best: (dialect: LogDialect, score: Int)?
        for dialect in LogDialect.detectable where dialect != .serialMonitor {
            guard let score = score(dialect, stripped) else { continue }
            if best == nil || score > best!.score { best = (dialect, score) }
        }
        return best?.dialect ?? .raw
    }

    /// 0, and the quote depth most lines start with when at least half of them are quoted.
    private static func candidateDepths(_ sample: [LogLine]) -> [Int] {
        let nonBlank = sample.filter { !ByteSearch.isBlank($0.bytes) }
        let depths = nonBlank.map { LineCleaner.quoteDepth(of: LineCleaner.normalize($0.bytes)) }.filter { $0 > 0 }
        guard !nonBlank.isEmpty, depths.count * 2 >= nonBlank.count, let deepest = depths.min() else { return [0] }
        return [0, deepest]
    }

    static func score(_ dialect: LogDialect, _ lines: [[UInt8]]) -> Int? {
        var traffic = 0
        var program = 0
        var trafficLines = 0
        for line in lines {
            let entries = evidence(dialect, line)
            if entries.contains(.traffic) { trafficLines += 1 }
            for entry in entries {
                switch entry {
                case .traffic: traffic += 1
                case .program: program += 1
                case .none: break
                }
            }
        }
        // Two traffic entries at least, on two lines unless the log is one collapsed line,
        // and a tenth of the lines: one stray match in prose is no log.
        guard traffic >= 2, trafficLines >= min(2, lines.count), trafficLines * 10 >= lines.count else { return nil }
        switch dialect {
        case .tinyGSM where program == 0:
            return nil
        case .raw where traffic < 2 || traffic * 3 < lines.count:
            return nil
        default:
            return traffic * 2 + program
        }
    }

    /// What each entry of a line says about `dialect` (a collapsed line holds many entries).
    static func evidence(_ dialect: LogDialect, _ line: [UInt8]) -> [LineEvidence] {
        switch dialect {
        case .modemManager, .mmtty: ModemManagerImporter.evidence(line, dialect: dialect)
        case .socat: SocatImporter.evidence(line)
        case .interceptty: InterceptTTYImporter.evidence(line)
        case .mbed: MbedImporter.evidence(line)
        case .stCellular: STCellularImporter.evidence(line)
        case .ewf: EWFImporter.evidence(line)
        case .particle: ParticleImporter.evidence(line)
        case .espModemHex: ESPModemHexImporter.evidence(line)
        case .pybytes: PybytesImporter.evidence(line)
        case .qNavigator: QNavigatorImporter.evidence(line)
        case .serialMonitor: SerialMonitorImporter.evidence(line)
        case .tinyGSM: TinyGSMImporter.evidence(line)
        case .arrowPair: ArrowPairImporter.evidence(line)
        case .raw: RawImporter.evidence(line)
        case .regex: []
        }
    }
}

/// The result of ``DialectDetector/detect(_:)``.
public struct DialectDetection: Hashable, Sendable {
    public var dialect: LogDialect
    /// Markdown quote levels (`> `) to remove from each line.
    public var quoteDepth: Int
    /// For `serial-monitor`: the dialect inside the monitor's prefix.
    public var innerDialect: LogDialect?
    public var score: Int
}
