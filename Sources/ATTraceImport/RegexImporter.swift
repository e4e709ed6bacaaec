import ATTraceCore

/// Reads any line-oriented log described by a user pattern (log-dialects.md `regex`, like
/// text2pcap's `-r`): `--pattern` with the named groups `data` (required), `dir` and
/// `time`; `--dir-out`/`--dir-in` give the `dir` values of each direction, `--time-format`
/// how to read `time`.
///
/// Lines that do not match are noise. `data` is unescaped (`<CR>` tokens and C escapes), or
/// read as hex when every data group of the first lines is hex (`41 54 0d`, `41540d`). If
/// the first data shows line ends the log is exact; otherwise framing is rebuilt (product.md
/// §7.14). Without `--dir-out`/`--dir-in`, common values are understood (`TX`/`RX`, `>`/`<`,
/// `SEND`/`RECV`, `S`/`R`, `O`/`I`, `out`/`in`, `write`/`read`); any other value, or no
/// `dir` group, leaves the direction to the decoder. Without `--time-format` the time is
/// recognised (ISO date and time, time of day, epoch seconds, seconds or milliseconds
/// since boot).
struct RegexImporter: DialectImporter {
    static let outgoingValues: Set<String> = ["tx", ">", "->", "-->", "send", "sent", "s", "o", "out", "w", "write",
                                              "writing", "host", "h", "dte", "cmd"]
    static let incomingValues: Set<String> = ["rx", "<", "<-", "<--", "recv", "received", "rcvd", "r", "i", "in",
                                              "read", "reading", "modem", "m", "dce", "rsp"]

    private(set) var framing = ImportSink.Framing.exact
    private let regex: Regex<AnyRegexOutput>
    private let hasDirection: Bool
    private let hasTime: Bool
    private let timeFormat: TimeFormat?
    private let outgoing: String?
    private let incoming: String?
    private let hexData: Bool
    private let assignsDirections: Bool
    private var decided = false
    private var rebuilder = FramingRebuilder()

    init(options: ImportOptions, sample: [LogLine]) throws(ImportError) {
        guard let pattern = options.pattern else { throw .missingPattern }
        do {
            regex = try Regex(pattern)
        } catch {
            throw .invalidPattern("\(error)")
        }
        guard Self.declares("data", in: pattern) else { throw .invalidPattern("it has no named group 'data', as in (?<data>.*)") }
        hasDirection = Self.declares("dir", in: pattern)
        hasTime = Self.declares("time", in: pattern)
        timeFormat = try options.timeFormat.map { (text: String) throws(ImportError) -> TimeFormat in try TimeFormat(text) }
        assignsDirections = options.assignsInferredDirections
        outgoing = options.outgoingMarker
        incoming = options.incomingMarker
        var sawData = false
        var allHex = true
        for line in sample {
            guard let data = Self.match(regex, line.bytes)?.data, !data.isEmpty else { continue }
            sawData = true
            if Self.hexBytes(data) == nil { allHex = false }
        }
        hexData = sawData && allHex
    }

    /// How many of `lines` the pattern matches (to choose a markdown quote depth).
    func matchCount(_ lines: [[UInt8]]) -> Int {
        lines.filter { Self.match(regex, $0) != nil }.count
    }

    private static func declares(_ name: String, in pattern: String) -> Bool {
        pattern.contains("(?<\(name)>") || pattern.contains("(?P<\(name)>") || pattern.contains("(?'\(name)'")
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        guard let match = Self.match(regex, line.bytes) else {
            if !ByteSearch.isBlank(line.bytes) { sink.skip(line) }
            return
        }
        var time: LogTime?
        if hasTime, let text = match.time, !text.isEmpty {
            time = timeFormat.map { $0.parse(text) } ?? TimeParser.anyTime(text)
        }
        let direction = hasDirection ? self.direction(match.dir ?? []) : .unknown
        var resolved = direction
        var data = hexData ? (Self.hexBytes(match.data) ?? []) : EscapeDecoder.decode(match.data, [.angleTokens, .cEscapes])
        if !decided {
            decided = true
            framing = hexData || EscapeDecoder.containsLineEnd(data) ? .exact : .reconstructed
            if !sink.hasStarted { sink.framing = framing }
        }
        if framing == .reconstructed {
            let text = Array(ByteSearch.trimmed(data[...]))
            switch direction {
            case .host: data = rebuilder.host(text)
            case .modem: data = rebuilder.modem(text)
            case .unknown:
                let piece = rebuilder.unknown(text)
                data = piece.bytes
                if assignsDirections { resolved = piece.role.direction }
            }
        }
        guard !data.isEmpty else {
            if let time { sink.observe(time) }
            return
        }
        sink.emit(data, direction: resolved, line: line.number, time: time)
    }

    private func direction(_ value: [UInt8]) -> Direction {
        let text = String(decoding: ByteSearch.trimmed(value[...]), as: UTF8.self)
        if let outgoing, text == outgoing { return .host }
        if let incoming, text == incoming { return .modem }
        if outgoing != nil && incoming == nil { return .modem }
        if incoming != nil && outgoing == nil { return .host }
        if outgoing == nil && incoming == nil {
            let key = text.lowercased()
            if Self.outgoingValues.contains(key) { return .host }
            if Self.incomingValues.contains(key) { return .modem }
        }
        return .unknown
    }

    private struct Match {
        var data: [UInt8]
        var dir: [UInt8]?
        var time: [UInt8]?
    }

    private static func match(_ regex: Regex<AnyRegexOutput>, _ line: [UInt8]) -> Match? {
        let text = String(decoding: line, as: UTF8.self)
        guard let match = try? regex.firstMatch(in: text) else { return nil }
        func group(_ name: String) -> [UInt8]? {
            match.output[name]?.substring.map { Array($0.utf8) }
        }
        guard let data = group("data") else { return nil }
        return Match(data: data, dir: group("dir"), time: group("time"))
    }

    /// `41 54 0d`, `41540d`, `41:54:0d`: the bytes, or `nil` when it is not hex.
    private static func hexBytes(_ text: [UInt8]) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for byte in text {
            if byte == 0x20 || byte == 0x3A || byte == 0x2D || byte == 0x09 {
                guard high == nil else { return nil }
                continue
            }
            guard let value = ByteSearch.hexValue(byte) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil && !bytes.isEmpty ? bytes : nil
    }
}
