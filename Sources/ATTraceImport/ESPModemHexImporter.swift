import ATTraceCore

/// Reads ESP-IDF esp-modem hex dumps (log-dialects.md `espmodem-hex`):
/// `D (1234) esp-modem: writing:` or `reading:`, then `ESP_LOG_BUFFER_HEXDUMP` rows
/// `D (1234) esp-modem: 0x3ffb0000   41 54 0d   |AT.|`.
///
/// The rows after a `writing:` line are one host → modem write, after `reading:` one
/// modem → host read (exact bytes); rows with no such line before them are a chunk of
/// unknown direction. The ASCII column is ignored. Time: the ESP log's milliseconds since
/// boot `(1234)`, or its time of day `(10:00:00.123)`. ANSI colour codes are removed.
struct ESPModemHexImporter: DialectImporter {
    private struct LogEntry {
        var time: LogTime?
        var message: [UInt8]
    }

    let framing = ImportSink.Framing.exact
    private var chunk: (direction: Direction, line: Int, time: LogTime?, bytes: [UInt8])?

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        segments(of: stripColors(line)).compactMap(parse).map { entry in
            header(entry.message) != nil || row(entry.message) != nil ? .traffic : .program
        }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let segments = Self.segments(of: Self.stripColors(line.bytes))
        var anyTraffic = false
        var anyEntry = false
        for segment in segments {
            guard let entry = Self.parse(segment) else { continue }
            anyEntry = true
            if let direction = Self.header(entry.message) {
                flush(into: &sink)
                chunk = (direction, line.number, entry.time, [])
                anyTraffic = true
            } else if let bytes = Self.row(entry.message) {
                if chunk == nil { chunk = (.unknown, line.number, entry.time, []) }
                chunk?.bytes += bytes
                anyTraffic = true
            } else {
                flush(into: &sink)
            }
        }
        if !anyTraffic && !ByteSearch.isBlank(line.bytes) {
            if !anyEntry { flush(into: &sink) }
            sink.skip(line)
        }
    }

    mutating func finish(into sink: inout ImportSink) {
        flush(into: &sink)
    }

    private mutating func flush(into sink: inout ImportSink) {
        guard let current = chunk else { return }
        chunk = nil
        if current.bytes.isEmpty {
            sink.diagnose(.truncatedEntry, "line \(current.line): a \(current.direction == .host ? "write" : "read") "
                          + "without hex rows", line: current.line)
            return
        }
        sink.emit(current.bytes, direction: current.direction, line: current.line, time: current.time)
    }

    // MARK: - Grammar

    /// Removes ANSI SGR sequences (`ESC [ … m`) that coloured consoles leave in logs.
    static func stripColors(_ line: [UInt8]) -> [UInt8] {
        guard line.contains(0x1B) else { return line }
        var out: [UInt8] = []
        var index = 0
        while index < line.count {
            if line[index] == 0x1B, index + 1 < line.count, line[index + 1] == UInt8(ascii: "[") {
                var end = index + 2
                while end < line.count, !(line[end] >= 0x40 && line[end] <= 0x7E) { end += 1 }
                index = end + 1
                continue
            }
            out.append(line[index])
            index += 1
        }
        return out
    }

    /// `D (1234) tag: message`.
    private static func parse(_ line: [UInt8]) -> LogEntry? {
        var cursor = ByteCursor(line)
        cursor.skipSpaces()
        guard let level = cursor.current, "EWIDV".utf8.contains(level), cursor.peek(1) == 0x20, cursor.peek(2) == UInt8(ascii: "(") else {
            return nil
        }
        cursor.index += 3
        var time: LogTime?
        let start = cursor.index
        if let value = TimeParser.timeOfDay(&cursor), cursor.current == UInt8(ascii: ")") {
            time = .timeOfDay(value)
        } else {
            cursor.index = start
            guard let milliseconds = cursor.digits(), cursor.current == UInt8(ascii: ")") else { return nil }
            time = TimeParser.nanoseconds(milliseconds.value, per: 1_000_000).map { .sinceBoot($0) }
        }
        cursor.index += 1
        guard cursor.skip(0x20), cursor.take(until: UInt8(ascii: ":")) != nil else { return nil }
        cursor.index += 1
        cursor.skipSpaces()
        return LogEntry(time: time, message: Array(cursor.rest))
    }

    /// `writing:` / `reading:` (also `write:` / `read:`, with text after the colon).
    private static func header(_ message: [UInt8]) -> Direction? {
        for (word, direction) in [("writing", Direction.host), ("write", .host), ("reading", .modem), ("read", .modem)] {
            var cursor = ByteCursor(message)
            if cursor.skip(word, ignoringCase: true), cursor.skip(UInt8(ascii: ":")) { return direction }
        }
        return nil
    }

    /// `0x3ffb0000   41 54 0d   |AT.|`: the bytes of a hexdump row.
    private static func row(_ message: [UInt8]) -> [UInt8]? {
        var cursor = ByteCursor(message)
        guard cursor.skip("0x") else { return nil }
        let address = cursor.take(while: { ByteSearch.hexValue($0) != nil })
        guard !address.isEmpty, cursor.skipSpaces() > 0 else { return nil }
        var bytes: [UInt8] = []
        while let high = cursor.current.flatMap(ByteSearch.hexValue), let low = cursor.peek(1).flatMap(ByteSearch.hexValue),
              cursor.peek(2) == nil || cursor.peek(2) == 0x20 {
            bytes.append(high << 4 | low)
            cursor.index += 2
            cursor.skipSpaces()
            if cursor.current == UInt8(ascii: "|") { break }
        }
        guard !bytes.isEmpty, cursor.isAtEnd || cursor.current == UInt8(ascii: "|") else { return nil }
        return bytes
    }

    /// Splits a collapsed line before every further `X (…) ` log prefix.
    private static func segments(of line: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var index = 1
        while index + 3 < line.count {
            if line[index - 1] == 0x20, "EWIDV".utf8.contains(line[index]), line[index + 1] == 0x20,
               line[index + 2] == UInt8(ascii: "("), parse(Array(line[index...])) != nil {
                starts.append(index)
            }
            index += 1
        }
        return ByteSearch.split(line, at: starts)
    }
}
