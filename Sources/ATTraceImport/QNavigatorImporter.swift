import ATTraceCore

/// Reads logs of Quectel's QNavigator and QCOM tools (log-dialects.md `qnavigator`):
/// `[2023-11-24 10:00:00:123_S:] AT+CSQ` and `[2023-11-24 10:00:00:140_R:] +CSQ: 20,99`.
///
/// `_S` is host → modem, `_R` modem → host; the module's echo is an `_R` line. The tool
/// logs lines without their line ends, so framing is rebuilt (product.md §7.14). Time: the
/// bracketed date with milliseconds after a colon. A line without the prefix that looks
/// like AT traffic continues the direction of the line before it; other lines are noise.
struct QNavigatorImporter: DialectImporter {
    let framing = ImportSink.Framing.reconstructed
    private var rebuilder = FramingRebuilder()
    private var lastDirection: Direction?

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        entries(in: line).map { _ in .traffic }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let bytes = line.bytes
        let entries = Self.entries(in: bytes)
        guard !entries.isEmpty else {
            let text = Array(ByteSearch.trimmed(bytes[...]))
            if let direction = lastDirection, RawImporter.looksLikeTraffic(text) {
                emit(text, direction: direction, line: line.number, time: nil, into: &sink)
            } else if !text.isEmpty {
                sink.skip(line)
            }
            return
        }
        for (number, entry) in entries.enumerated() {
            let end = number + 1 < entries.count ? entries[number + 1].start : bytes.count
            let text = Array(ByteSearch.trimmed(bytes[entry.textStart..<end]))
            lastDirection = entry.direction
            if text.isEmpty {
                sink.observe(entry.time)
                continue
            }
            emit(text, direction: entry.direction, line: line.number, time: entry.time, into: &sink)
        }
    }

    private mutating func emit(_ text: [UInt8], direction: Direction, line: Int, time: LogTime?, into sink: inout ImportSink) {
        let rebuilt = direction == .host ? rebuilder.host(text) : rebuilder.modem(text)
        sink.emit(rebuilt, direction: direction, line: line, time: time)
    }

    private struct Entry {
        var start: Int
        var time: LogTime
        var direction: Direction
        var textStart: Int
    }

    /// Every `[date time:ms_S:]` / `_R:]` in the line.
    private static func entries(in bytes: [UInt8]) -> [Entry] {
        var result: [Entry] = []
        var index = 0
        while let open = ByteSearch.find("[", in: bytes, from: index) {
            index = open + 1
            var cursor = ByteCursor(bytes, at: open + 1)
            guard let time = TimeParser.dateTime(&cursor, fractionSeparators: [0x3A, 0x2E]), cursor.skip(UInt8(ascii: "_")),
                  let marker = cursor.current, marker == UInt8(ascii: "S") || marker == UInt8(ascii: "R") else { continue }
            cursor.index += 1
            guard cursor.skip(":]") else { continue }
            result.append(Entry(start: open, time: .absolute(time), direction: marker == UInt8(ascii: "S") ? .host : .modem,
                                textStart: cursor.index))
            index = cursor.index
        }
        return result
    }
}
