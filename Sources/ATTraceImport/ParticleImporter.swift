import ATTraceCore

/// Reads Particle Device OS modem traces (log-dialects.md `particle`), in both forms:
/// the classic `12.345 AT send 11 "AT+CREG?\r\n"` / `12.351 AT read + 30 "\r\n+CREG: 2,5\r\n"`
/// (C-escaped bytes in quotes, exact framing), and the newer
/// `0000012345 [ncp.at] TRACE: > AT+CSQ` / `< +CSQ: 20,99` (lines without line ends:
/// framing rebuilt, product.md §7.14).
///
/// `send` and `>` are host → modem, `read` and `<` modem → host; the word after `read`
/// (`+`, `OK`, `ERR`, `UNK`, `>`) is the parser's classification and is ignored. Times are
/// seconds since boot (`12.345`) or milliseconds since boot (`0000012345`).
struct ParticleImporter: DialectImporter {
    private(set) var framing = ImportSink.Framing.exact
    private var sawTraffic = false
    private var rebuilder = FramingRebuilder()

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        let classic = classicEntries(in: line)
        if !classic.isEmpty { return classic.map { _ in .traffic } }
        return traceSegments(of: line).compactMap { segment in
            traceEntry(segment).map { $0.direction == nil ? .program : .traffic }
        }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let bytes = line.bytes
        let classic = Self.classicEntries(in: bytes)
        if !classic.isEmpty {
            if !sawTraffic {
                framing = .exact
                sawTraffic = true
            }
            for (number, entry) in classic.enumerated() {
                let end = number + 1 < classic.count ? classic[number + 1].start : bytes.count
                let region = bytes[entry.dataStart..<end]
                if let close = region.lastIndex(of: 0x22) {
                    sink.emit(EscapeDecoder.decode(bytes[entry.dataStart..<close], .cEscapes), direction: entry.direction,
                              line: line.number, time: entry.time)
                } else {
                    let data = EscapeDecoder.decode(ByteSearch.trimmed(region), .cEscapes)
                    sink.emit(data, direction: entry.direction, line: line.number, time: entry.time)
                    sink.diagnoseCutOff(line: line.number, missing: "closing quote", decoded: data.count, of: entry.count)
                }
            }
            return
        }
        let segments = Self.traceSegments(of: bytes)
        var any = false
        for segment in segments {
            guard let entry = Self.traceEntry(segment) else { continue }
            any = true
            guard let direction = entry.direction else { continue }
            if !sawTraffic {
                framing = .reconstructed
                sawTraffic = true
                if !sink.hasStarted { sink.framing = .reconstructed }
            }
            let text = Array(ByteSearch.trimmed(entry.text[...]))
            let rebuilt = direction == .host ? rebuilder.host(text) : rebuilder.modem(text)
            sink.emit(rebuilt, direction: direction, line: line.number, time: entry.time)
        }
        if !any || segments.allSatisfy({ Self.traceEntry($0)?.direction == nil }) {
            if !ByteSearch.isBlank(bytes) { sink.skip(line) }
        }
    }

    // MARK: - Classic form

    private struct ClassicEntry {
        var start: Int
        var time: LogTime?
        var direction: Direction
        var count: Int
        var dataStart: Int
    }

    /// Every `<time> AT send|read [type] <n> "` in the line.
    private static func classicEntries(in bytes: [UInt8]) -> [ClassicEntry] {
        var result: [ClassicEntry] = []
        var index = 0
        while let found = ByteSearch.find("AT ", in: bytes, from: index) {
            index = found + 1
            var cursor = ByteCursor(bytes, at: found + 3)
            guard let direction = cursor.skipDirection("send", "read") else {
                continue
            }
            guard cursor.skipSpaces() > 0 else { continue }
            if direction == .modem, cursor.current.map(ByteSearch.isDigit) == false {
                // The classification word: +, OK, ERR, UNK, >, …
                _ = cursor.take(while: { !ByteSearch.isSpace($0) })
                guard cursor.skipSpaces() > 0 else { continue }
            }
            guard let count = cursor.digits() else { continue }
            cursor.skipSpaces()
            guard cursor.skip(0x22) else { continue }
            // The time is the number before `AT`.
            var start = found
            while start > 0 && ByteSearch.isSpace(bytes[start - 1]) { start -= 1 }
            var numberStart = start
            while numberStart > 0 && (ByteSearch.isDigit(bytes[numberStart - 1]) || bytes[numberStart - 1] == 0x2E) {
                numberStart -= 1
            }
            let time = numberStart < start ? sinceBoot(Array(bytes[numberStart..<start])) : nil
            var entryStart = numberStart
            while entryStart > 0 && ByteSearch.isSpace(bytes[entryStart - 1]) { entryStart -= 1 }
            result.append(ClassicEntry(start: entryStart, time: time, direction: direction, count: Int(count.value),
                                       dataStart: cursor.index))
            index = cursor.index
        }
        return result
    }

    /// `12.345` (seconds) or `0000012345` (milliseconds) since boot.
    private static func sinceBoot(_ text: [UInt8]) -> LogTime? {
        var cursor = ByteCursor(text)
        guard let whole = cursor.digits() else { return nil }
        if let fraction = TimeParser.fraction(&cursor, separators: [0x2E]) {
            return TimeParser.nanoseconds(whole.value, per: TimeParser.nanosecondsPerSecond, plus: fraction).map { .sinceBoot($0) }
        }
        guard cursor.isAtEnd else { return nil }
        return TimeParser.nanoseconds(whole.value, per: 1_000_000).map { .sinceBoot($0) }
    }

    // MARK: - Trace form

    private struct TraceEntry {
        var time: LogTime
        /// `nil` for a log line that is not AT traffic.
        var direction: Direction?
        var text: [UInt8]
    }

    /// `0000012345 [category] LEVEL: ` and, for traffic, `> ` or `< `.
    private static func traceEntry(_ line: [UInt8]) -> TraceEntry? {
        var cursor = ByteCursor(line)
        cursor.skipSpaces()
        guard let milliseconds = cursor.digits(), milliseconds.count >= 6,
              let nanoseconds = TimeParser.nanoseconds(milliseconds.value, per: 1_000_000), cursor.skipSpaces() > 0,
              cursor.skip(UInt8(ascii: "[")), let category = cursor.take(until: UInt8(ascii: "]")) else { return nil }
        cursor.index += 1
        guard cursor.skipSpaces() > 0 else { return nil }
        let level = cursor.take(while: { $0 >= 0x41 && $0 <= 0x5A })
        guard !level.isEmpty, cursor.skip(UInt8(ascii: ":")) else { return nil }
        cursor.skip(0x20)
        let time = LogTime.sinceBoot(nanoseconds)
        let isAT = ByteSearch.contains("at", in: Array(category), ignoringCase: false)
        if isAT, let marker = cursor.current, marker == 0x3E || marker == 0x3C, cursor.peek(1) == 0x20 || cursor.peek(1) == nil {
            cursor.index += min(2, line.count - cursor.index)
            return TraceEntry(time: time, direction: marker == 0x3E ? .host : .modem, text: Array(cursor.rest))
        }
        return TraceEntry(time: time, direction: nil, text: Array(cursor.rest))
    }

    /// Splits a collapsed line before every further `0000012345 [`.
    private static func traceSegments(of line: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var index = 1
        while let open = ByteSearch.find(" [", in: line, from: index) {
            var start = open
            while start > 0 && ByteSearch.isDigit(line[start - 1]) { start -= 1 }
            if open - start >= 6, start > 0, ByteSearch.isSpace(line[start - 1]) { starts.append(start) }
            index = open + 2
        }
        return ByteSearch.split(line, at: starts)
    }
}
