import ATTraceCore

/// Reads interceptty dumps (log-dialects.md `interceptty`): one byte per line,
/// `< 0x41 (A)` / `> 0x0d`, or compacted lines `< 41(A):54(T):0d([CR])` ended at a chosen
/// character; optionally with `[HH:MM SS.uuuuuu]` before the arrow.
///
/// `<` is from the device (modem → host), `>` to the device (host → modem). The hex value
/// is authoritative; the character shown after it is ignored. A timestamp is printed once
/// per `read()`: the following lines of the same read are indented by its width, so a line
/// that starts with spaces continues the chunk of the line before it; without timestamps
/// every line is its own chunk.
struct InterceptTTYImporter: DialectImporter {
    private struct Entry {
        var direction: Direction
        var time: LogTime?
        var bytes: [UInt8]
        var continues: Bool
    }

    let framing = ImportSink.Framing.exact
    private var chunk: (direction: Direction, line: Int, time: LogTime?, bytes: [UInt8])?

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        segments(of: line).compactMap { parse($0) == nil ? nil : .traffic }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let segments = Self.segments(of: line.bytes)
        if segments.count > 1 {
            // Collapsed newlines: every byte line became part of one line.
            for segment in segments {
                consume(LogLine(number: line.number, bytes: segment), into: &sink)
            }
            return
        }
        guard let entry = Self.parse(line.bytes) else {
            if !ByteSearch.isBlank(line.bytes) {
                flush(into: &sink)
                sink.skip(line)
            }
            return
        }
        if entry.continues, var current = chunk, current.direction == entry.direction {
            current.bytes += entry.bytes
            chunk = current
            return
        }
        flush(into: &sink)
        chunk = (entry.direction, line.number, entry.time, entry.bytes)
    }

    mutating func finish(into sink: inout ImportSink) {
        flush(into: &sink)
    }

    private mutating func flush(into sink: inout ImportSink) {
        guard let current = chunk else { return }
        chunk = nil
        sink.emit(current.bytes, direction: current.direction, line: current.line, time: current.time)
    }

    // MARK: - Grammar

    /// Splits a collapsed line before every further `< 0x` / `> 0x` entry.
    private static func segments(of line: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var index = 1
        while index + 4 < line.count {
            if (line[index] == 0x3C || line[index] == 0x3E), line[index - 1] == 0x20 || line[index - 1] == UInt8(ascii: "]") {
                var cursor = ByteCursor(line, at: index + 1)
                if cursor.skipSpaces() > 0, cursor.skip("0x") {
                    // A `[HH:MM SS.uuuuuu]` right before the arrow belongs to this entry.
                    var start = index
                    if line[index - 1] == UInt8(ascii: "]"), let open = line[..<index].lastIndex(of: UInt8(ascii: "[")),
                       index - open == 17 {
                        start = open
                    }
                    // Not the line's own first entry (after a timestamp or an indent).
                    if !ByteSearch.isBlank(line[..<start]) { starts.append(start) }
                }
            }
            index += 1
        }
        return ByteSearch.split(line, at: starts)
    }

    private static func parse(_ line: [UInt8]) -> Entry? {
        var cursor = ByteCursor(line)
        var time: LogTime?
        let indent = cursor.skipSpaces()
        if cursor.current == UInt8(ascii: "[") {
            // [HH:MM SS.uuuuuu]
            cursor.index += 1
            guard let hour = cursor.fixedDigits(2), cursor.skip(0x3A), let minute = cursor.fixedDigits(2),
                  cursor.skip(0x20), let second = cursor.fixedDigits(2) else { return nil }
            let fraction = TimeParser.fraction(&cursor, separators: [0x2E]) ?? 0
            guard cursor.skip(UInt8(ascii: "]")) else { return nil }
            time = .timeOfDay(((hour * 60 + minute) * 60 + second) * TimeParser.nanosecondsPerSecond + fraction)
            cursor.skipSpaces()
        }
        guard let arrow = cursor.current, arrow == 0x3C || arrow == 0x3E else { return nil }
        cursor.index += 1
        guard cursor.skipSpaces() > 0 else { return nil }
        var bytes: [UInt8] = []
        if cursor.skip("0x") {
            // One byte: 0x41 (A)
            guard let high = cursor.current.flatMap(ByteSearch.hexValue), let low = cursor.peek(1).flatMap(ByteSearch.hexValue) else {
                return nil
            }
            cursor.index += 2
            bytes.append(high << 4 | low)
            cursor.skipSpaces()
            if cursor.current == UInt8(ascii: "(") {
                guard line.last == UInt8(ascii: ")") else { return nil }
            } else if !cursor.isAtEnd {
                return nil
            }
        } else {
            // Compacted: 41(A):54(T):0d([CR])
            while let high = cursor.current.flatMap(ByteSearch.hexValue), let low = cursor.peek(1).flatMap(ByteSearch.hexValue) {
                cursor.index += 2
                bytes.append(high << 4 | low)
                if cursor.skip(UInt8(ascii: "(")) {
                    // The character: up to the `)` that is followed by `:` or the end.
                    var closed = false
                    while let byte = cursor.current {
                        cursor.index += 1
                        if byte == UInt8(ascii: ")") && (cursor.isAtEnd || cursor.current == UInt8(ascii: ":")) {
                            closed = true
                            break
                        }
                    }
                    guard closed else { return nil }
                }
                if !cursor.skip(UInt8(ascii: ":")) { break }
            }
            guard !bytes.isEmpty, cursor.isAtEnd || ByteSearch.isBlank(cursor.rest) else { return nil }
        }
        let direction: Direction = arrow == 0x3C ? .modem : .host
        return Entry(direction: direction, time: time, bytes: bytes, continues: time == nil && indent > 0)
    }
}
