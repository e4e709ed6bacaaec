import ATTraceCore

/// Reads the arrow-pair family of library logs (log-dialects.md `arrow-pair`):
/// `<- AT+QHTTPGET=60 (20736)` / `-> OK (20740)`, `---> AT` / `<--- OK`, `>> ` / `<< `, and
/// logs that mark only the responses (`-> OK`, commands unmarked).
///
/// Libraries disagree on what an arrow means (`<-` is host → modem in some, modem → host
/// in others), so the meaning is learnt from the first lines: the arrow whose lines are
/// mostly `AT` commands is the host's, the other the module's. With a single arrow, the
/// unmarked lines are the other direction. `--dir-out`/`--dir-in` name the arrows
/// explicitly. Lines are logged without line ends: framing is rebuilt (product.md §7.14).
/// Time: a `(12345)` suffix (milliseconds since boot), or a time of day, bracketed
/// milliseconds or a date before the arrow.
struct ArrowPairImporter: DialectImporter {
    /// Longest first, so `--->` is not read as `->`.
    static let markers: [[UInt8]] = ["<---", "--->", "<--", "-->", "<<", ">>", "<-", "->"].map { Array($0.utf8) }

    let framing = ImportSink.Framing.reconstructed
    private var meaning: [[UInt8]: Direction] = [:]
    /// The direction of lines without an arrow, when only one arrow is used.
    private var unmarked: Direction?
    private var rebuilder = FramingRebuilder()

    init(options: ImportOptions, sample: [LogLine]) {
        if let outgoing = options.outgoingMarker { meaning[Array(outgoing.utf8)] = .host }
        if let incoming = options.incomingMarker { meaning[Array(incoming.utf8)] = .modem }
        if !meaning.isEmpty {
            if meaning.count == 1 { unmarked = meaning.values.first?.opposite }
            return
        }
        var lines: [[UInt8]: (total: Int, commands: Int)] = [:]
        for line in sample {
            guard let entry = Self.parse(line.bytes) else { continue }
            var counts = lines[entry.marker] ?? (0, 0)
            counts.total += 1
            if ByteSearch.looksLikeCommand(entry.text) { counts.commands += 1 }
            lines[entry.marker] = counts
        }
        let ratios = lines.map { (marker: $0.key, ratio: Double($0.value.commands) / Double(max(1, $0.value.total))) }
            .sorted { ($0.ratio, $0.marker.count) > ($1.ratio, $1.marker.count) }
        if ratios.count >= 2 {
            meaning[ratios[0].marker] = .host
            for other in ratios.dropFirst() { meaning[other.marker] = .modem }
        } else if let only = ratios.first {
            let direction: Direction = only.ratio >= 0.5 ? .host : .modem
            meaning[only.marker] = direction
            unmarked = direction.opposite
        }
    }

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        segments(of: line).enumerated().compactMap { index, segment in
            // A quoted payload after the arrow is ModemManager's `--> 'AT<CR>'`; an arrow in
            // the middle of a line counts only before AT traffic (prose has arrows too).
            guard let entry = parse(segment), entry.text.first != UInt8(ascii: "'") else { return nil }
            if index > 0 && !(ByteSearch.looksLikeCommand(entry.text) || RawImporter.looksLikeTraffic(entry.text)) {
                return nil
            }
            return .traffic
        }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        for segment in Self.segments(of: line.bytes) {
            consumeSegment(segment, line: line, into: &sink)
        }
    }

    private mutating func consumeSegment(_ bytes: [UInt8], line: LogLine, into sink: inout ImportSink) {
        guard let entry = Self.parse(bytes) else {
            let text = Array(ByteSearch.trimmed(bytes[...]))
            if text.isEmpty { return }
            let expected = unmarked == .host ? rebuilder.expectsHostPayload : rebuilder.expectsModemData
            if let direction = unmarked, expected || ByteSearch.looksLikeCommand(text) || RawImporter.looksLikeTraffic(text) {
                emit(text, direction: direction, line: line.number, time: nil, into: &sink)
            } else {
                sink.skip(line)
            }
            return
        }
        let direction = meaning[entry.marker]
            ?? (ByteSearch.looksLikeCommand(entry.text) ? Direction.host : Direction.modem)
        emit(entry.text, direction: direction, line: line.number, time: entry.time, into: &sink)
    }

    private mutating func emit(_ text: [UInt8], direction: Direction, line: Int, time: LogTime?, into sink: inout ImportSink) {
        let rebuilt = direction == .host ? rebuilder.host(text) : rebuilder.modem(text)
        sink.emit(rebuilt, direction: direction, line: line, time: time)
    }

    // MARK: - Grammar

    private struct Entry {
        var marker: [UInt8]
        var text: [UInt8]
        var time: LogTime?
    }

    /// `[time] <arrow> text [(ms)]`.
    private static func parse(_ line: [UInt8]) -> Entry? {
        var cursor = ByteCursor(line)
        cursor.skipSpaces()
        var time = leadingTime(&cursor)
        cursor.skipSpaces()
        guard let marker = markers.first(where: { ByteSearch.hasPrefix(line, $0, at: cursor.index) }) else { return nil }
        cursor.index += marker.count
        guard cursor.skip(0x20) || cursor.isAtEnd else { return nil }
        var text = Array(ByteSearch.trimmed(cursor.rest))
        // A `(12345)` suffix is the library's millisecond clock.
        if text.last == UInt8(ascii: ")"), let open = text.lastIndex(of: UInt8(ascii: "(")), open > 0, text[open - 1] == 0x20,
           open + 1 < text.count - 1, text[(open + 1)..<(text.count - 1)].allSatisfy(ByteSearch.isDigit) {
            if let value = Int64(String(decoding: text[(open + 1)..<(text.count - 1)], as: UTF8.self)),
               let nanoseconds = TimeParser.nanoseconds(value, per: 1_000_000) {
                time = time ?? .sinceBoot(nanoseconds)
            }
            text = Array(ByteSearch.trimmed(text[..<open]))
        }
        return Entry(marker: marker, text: text, time: time)
    }

    /// A time before the arrow: `12:00:00.123`, `[12345]`, `[12:00:00.123]`, a date and time.
    private static func leadingTime(_ cursor: inout ByteCursor) -> LogTime? {
        let start = cursor.index
        let bracketed = cursor.skip(UInt8(ascii: "["))
        var time: LogTime?
        if let value = TimeParser.dateTime(&cursor) {
            time = .absolute(value)
        } else if let value = TimeParser.timeOfDay(&cursor) {
            time = .timeOfDay(value)
        } else if bracketed, let milliseconds = cursor.digits() {
            time = TimeParser.nanoseconds(milliseconds.value, per: 1_000_000).map { .sinceBoot($0) }
            cursor.skip("ms")
        }
        if time == nil || (bracketed && !cursor.skip(UInt8(ascii: "]"))) {
            cursor.index = start
            return nil
        }
        return time
    }

    /// Splits a collapsed line before every further ` <arrow> ` (and the time before it).
    private static func segments(of line: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var index = 1
        while index < line.count {
            if line[index - 1] == 0x20,
               let marker = markers.first(where: { ByteSearch.hasPrefix(line, $0, at: index) }),
               index + marker.count < line.count, line[index + marker.count] == 0x20 {
                // A time written before the arrow belongs to this entry.
                var start = index - 1
                while start > 0 && line[start - 1] != 0x20 { start -= 1 }
                var cursor = ByteCursor(Array(line[start..<(index - 1)]))
                if leadingTime(&cursor) != nil, cursor.isAtEnd {
                    starts.append(start)
                } else {
                    starts.append(index)
                }
                index += marker.count
                continue
            }
            index += 1
        }
        // The line's own arrow (after its time) is not a split.
        if let first = starts.first, ByteSearch.isBlank(line[..<first]) || {
            var cursor = ByteCursor(Array(ByteSearch.trimmed(line[..<first])))
            return leadingTime(&cursor) != nil && cursor.isAtEnd
        }() {
            starts.removeFirst()
        }
        return ByteSearch.split(line, at: starts).filter { !$0.isEmpty }
    }
}
