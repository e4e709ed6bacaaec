import ATTraceCore

/// Reads the Mbed OS cellular ATHandler trace (log-dialects.md `mbed`):
/// `[00012345ms][INFO][CELL]: AT TX ( 12): AT+QIACT=1` and
/// `AT RX (  6): <cr><ln>OK<cr><ln>`.
///
/// Each entry is one write or read with its byte count. ATHandler prints CR as `<cr>`, LF
/// as `<ln>` and other non-printables as a decimal value in brackets (`[26]`). The
/// terminator of a command is often its own entry (`AT TX ( 1): <cr>`); when a command is
/// shown without it and the count says one or two bytes more, those are the `<CR>` (and
/// `<LF>`) the trace did not print. Any other shortfall is reported as a cut entry. The
/// trace's time is milliseconds since boot, or epoch milliseconds (13 digits), or absent.
struct MbedImporter: DialectImporter {
    let framing = ImportSink.Framing.exact
    static let escapes: EscapeDecoder.Styles = [.angleTokens, .bracketDecimal]

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        let found = entries(in: line)
        if !found.isEmpty { return found.map { _ in .traffic } }
        return ByteSearch.contains("[CELL]", in: line) || ByteSearch.contains("ms][", in: line) ? [.program] : []
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let bytes = line.bytes
        let entries = Self.entries(in: bytes)
        guard !entries.isEmpty else {
            if !ByteSearch.isBlank(bytes) { sink.skip(line) }
            return
        }
        var regionStart = 0
        for (number, entry) in entries.enumerated() {
            let time = Self.time(in: bytes[regionStart..<entry.marker])
            let end = number + 1 < entries.count ? Self.prefixStart(in: bytes, before: entries[number + 1].marker) : bytes.count
            var data = EscapeDecoder.decode(bytes[entry.dataStart..<max(entry.dataStart, end)], Self.escapes)
            // Trailing blanks beyond the count are layout; within it they are data (`> `).
            while data.count > entry.count, let last = data.last, last == 0x20 || last == 0x09 { data.removeLast() }
            // In a collapsed log the next (non-traffic) line follows after a space.
            if data.count > entry.count, data[entry.count] == 0x20,
               ByteSearch.trimmed(data[entry.count...]).first == UInt8(ascii: "[") {
                data.removeLast(data.count - entry.count)
            }
            var missing = entry.count - data.count
            if missing > 0, data.count >= 3, Array(data.suffix(3)) == Array("...".utf8) {
                // The trace's own truncation mark.
                data.removeLast(3)
                missing += 3
            }
            if (missing == 1 || missing == 2), entry.direction == .host, ByteSearch.looksLikeCommand(data),
               !EscapeDecoder.containsLineEnd(data) {
                data += missing == 1 ? [0x0D] : [0x0D, 0x0A]
                missing = 0
            }
            sink.emit(data, direction: entry.direction, line: line.number, time: time)
            if missing > 0 {
                sink.diagnose(.truncatedEntry, "line \(line.number): the entry declares \(entry.count) B "
                              + "but the trace shows \(data.count)", line: line.number)
            }
            regionStart = end
        }
    }

    // MARK: - Grammar

    private struct Entry {
        var marker: Int
        var direction: Direction
        var count: Int
        var dataStart: Int
    }

    /// Every `AT TX ( n):` / `AT RX ( n):` in the line.
    private static func entries(in bytes: [UInt8]) -> [Entry] {
        var result: [Entry] = []
        var index = 0
        while let found = ByteSearch.find("AT ", in: bytes, from: index) {
            var cursor = ByteCursor(bytes, at: found + 3)
            guard let direction = cursor.skipDirection("TX", "RX") else {
                index = found + 1
                continue
            }
            cursor.skipSpaces()
            guard cursor.skip(UInt8(ascii: "(")) else { index = found + 1; continue }
            cursor.skipSpaces()
            guard let count = cursor.digits() else { index = found + 1; continue }
            cursor.skipSpaces()
            guard cursor.skip("):") else { index = found + 1; continue }
            cursor.skip(0x20)
            result.append(Entry(marker: found, direction: direction, count: Int(count.value), dataStart: cursor.index))
            index = cursor.index
        }
        return result
    }

    /// The start of an entry's prefix (`[…][…][…]: `) in a collapsed line.
    private static func prefixStart(in bytes: [UInt8], before marker: Int) -> Int {
        var index = marker
        while index > 0 && ByteSearch.isSpace(bytes[index - 1]) { index -= 1 }
        if index > 0 && bytes[index - 1] == UInt8(ascii: ":") { index -= 1 }
        while index > 0 && bytes[index - 1] == UInt8(ascii: "]") {
            guard let open = bytes[..<(index - 1)].lastIndex(of: UInt8(ascii: "[")) else { break }
            index = open
        }
        return index
    }

    /// `[00012345ms]` (since boot, or epoch milliseconds with 13 digits).
    private static func time(in region: ArraySlice<UInt8>) -> LogTime? {
        let bytes = Array(region)
        var index = 0
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "[")) {
            var cursor = ByteCursor(bytes, at: open + 1)
            if let value = cursor.digits(), cursor.skip("ms]") {
                guard let nanoseconds = TimeParser.nanoseconds(value.value, per: 1_000_000) else { return nil }
                return value.count >= 13 ? .absolute(Timestamp(nanoseconds: nanoseconds)) : .sinceBoot(nanoseconds)
            }
            index = open + 1
        }
        return nil
    }
}
