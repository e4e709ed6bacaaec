import ATTraceCore

/// Reads serial-monitor captures (log-dialects.md `serial-monitor`): the Arduino IDE's
/// `10:00:00.123 -> ` (PlatformIO's `10:00:00.123 > `) before every line, around another
/// dialect (often `tinygsm`) or a raw paste.
///
/// The prefix is removed and its time of day (ms) is every record's time: it is more
/// precise and more regular than the wrapped dialect's own times, which are ignored. The
/// rest of the line goes to the wrapped dialect's importer (detected from the first
/// lines without the prefix; `raw` when none fits), which gives direction and bytes.
struct SerialMonitorImporter: DialectImporter {
    private var inner: any DialectImporter

    init(inner: any DialectImporter) {
        self.inner = inner
    }

    var framing: ImportSink.Framing { inner.framing }

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        segments(of: line).compactMap { removePrefix($0) == nil ? nil : .traffic }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        for segment in Self.segments(of: line.bytes) {
            if let (time, rest) = Self.removePrefix(segment) {
                sink.observeWrapperTime(.timeOfDay(time))
                inner.consume(LogLine(number: line.number, bytes: rest), into: &sink)
            } else {
                inner.consume(LogLine(number: line.number, bytes: segment), into: &sink)
            }
        }
    }

    mutating func finish(into sink: inout ImportSink) {
        inner.finish(into: &sink)
    }

    /// `HH:MM:SS.mmm -> ` (or ` > `): the time of day and the rest of the line.
    static func removePrefix(_ line: [UInt8]) -> (time: Int64, rest: [UInt8])? {
        var cursor = ByteCursor(line)
        guard let time = TimeParser.timeOfDay(&cursor), cursor.skip(0x20) else { return nil }
        guard cursor.skip("->") || cursor.skip(">") else { return nil }
        guard cursor.skip(0x20) || cursor.isAtEnd else { return nil }
        return (time, Array(cursor.rest))
    }

    /// Splits a collapsed line before every further `HH:MM:SS.mmm -> `.
    static func segments(of line: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var index = 1
        while let arrow = ByteSearch.find(" -> ", in: line, from: index) {
            // The time of day ends right before the arrow: HH:MM:SS.mmm
            var start = arrow
            while start > 0, ByteSearch.isDigit(line[start - 1]) || line[start - 1] == 0x3A || line[start - 1] == 0x2E {
                start -= 1
            }
            if start > 0, arrow - start >= 8, removePrefix(Array(line[start...])) != nil {
                starts.append(start)
            }
            index = arrow + 4
        }
        return ByteSearch.split(line, at: starts)
    }
}
