import ATTraceCore

/// Reads the ST X-CUBE-CELLULAR AT trace (log-dialects.md `stcellular`):
/// `[2023-11-24_10:00:00:123]AT+QIRD=1,1500<CR>` for host lines, module lines indented
/// (`[…]    <CR><LF>OK<CR><LF>`), and `SEND (size=n)` banners before a payload.
///
/// The trace shows bytes with `<CR>` `<LF>` tokens (exact framing). Direction: an indented
/// line, or one that starts with a `<CR>`/`<LF>` token, is the module's; a line that starts
/// with `AT`, or the line after a `SEND (size=n)` banner, is the host's (`RECV (size=n)`
/// announces a module payload the same way). The trace sometimes replaces a payload by a
/// sentence such as `(binary data not displayed)`: then only its size is known, which is
/// reported as a `payload-not-logged` diagnostic. Time: the bracketed date with
/// milliseconds after a colon.
struct STCellularImporter: DialectImporter {
    let framing = ImportSink.Framing.exact
    static let escapes: EscapeDecoder.Styles = [.angleTokens]
    /// The banner before a payload: its direction and size.
    private var banner: (direction: Direction, size: Int, line: Int)?

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        segments(of: line).compactMap { segment in
            let evidence = segmentEvidence(segment)
            return evidence == .none ? nil : evidence
        }
    }

    private static func segmentEvidence(_ line: [UInt8]) -> LineEvidence {
        guard let (_, rest) = parse(line) else {
            return leadingIndent(line) >= 2 && startsWithLineEndToken(Array(ByteSearch.trimmed(line[...]))) ? .traffic : .none
        }
        let text = Array(ByteSearch.trimmed(rest[...]))
        if isHostLine(text) || startsWithLineEndToken(text) || bannerSize(text) != nil { return .traffic }
        return .program
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        for segment in Self.segments(of: line.bytes) {
            consumeSegment(segment, line: line, into: &sink)
        }
    }

    private mutating func consumeSegment(_ bytes: [UInt8], line: LogLine, into sink: inout ImportSink) {
        var time: LogTime?
        var rest = bytes
        if let (parsedTime, parsedRest) = Self.parse(bytes) {
            time = parsedTime
            rest = parsedRest
        }
        if ByteSearch.isBlank(rest) {
            if time != nil { sink.skip(line) }
            return
        }
        let indent = Self.leadingIndent(rest)
        let text = Array(rest[indent...])
        if let pending = banner {
            banner = nil
            if Self.isPlaceholder(text) {
                if let time { sink.observe(time) }
                sink.diagnose(.payloadNotLogged, "line \(line.number): the trace replaced the payload (\(pending.size) B) "
                              + "by \"\(String(decoding: text, as: UTF8.self))\"", line: line.number, direction: pending.direction)
                return
            }
            let payload = EscapeDecoder.decode(text, Self.escapes)
            sink.emit(payload, direction: pending.direction, line: line.number, time: time)
            if payload.count < pending.size {
                sink.diagnose(.truncatedEntry, "line \(line.number): the banner announces \(pending.size) B "
                              + "but the trace shows \(payload.count)", line: line.number)
            }
            return
        }
        if let (direction, size) = Self.bannerSize(text) {
            if let time { sink.observe(time) }
            banner = (direction, size, line.number)
            return
        }
        // Module lines are indented (a single space after the bracket is layout).
        if indent >= 2 || rest.first == 0x09 || Self.startsWithLineEndToken(text) {
            sink.emit(EscapeDecoder.decode(text, Self.escapes), direction: .modem, line: line.number, time: time)
        } else if Self.isHostLine(text) {
            sink.emit(EscapeDecoder.decode(text, Self.escapes), direction: .host, line: line.number, time: time)
        } else {
            sink.skip(line)
        }
    }

    // MARK: - Grammar

    /// `[2023-11-24_10:00:00:123]` and what follows it.
    private static func parse(_ line: [UInt8]) -> (LogTime, [UInt8])? {
        var cursor = ByteCursor(line)
        guard cursor.skip(UInt8(ascii: "[")), let time = TimeParser.dateTime(&cursor, fractionSeparators: [0x3A, 0x2E]),
              cursor.skip(UInt8(ascii: "]")) else { return nil }
        return (.absolute(time), Array(cursor.rest))
    }

    /// Splits a collapsed line before every further `[YYYY-MM-DD_` timestamp.
    private static func segments(of line: [UInt8]) -> [[UInt8]] {
        guard line.count > 1 else { return [line] }
        var starts: [Int] = []
        var index = 1
        while let open = line[index...].firstIndex(of: UInt8(ascii: "[")) {
            var cursor = ByteCursor(line, at: open + 1)
            if TimeParser.dateTime(&cursor, fractionSeparators: [0x3A, 0x2E]) != nil, cursor.current == UInt8(ascii: "]") {
                starts.append(open)
            }
            index = open + 1
            if index >= line.count { break }
        }
        guard !starts.isEmpty else { return [line] }
        var result: [[UInt8]] = []
        var start = 0
        for split in starts {
            // One space joined the lines (a prompt keeps its own trailing space).
            var end = split
            if end > start, line[end - 1] == 0x20 { end -= 1 }
            result.append(Array(line[start..<end]))
            start = split
        }
        result.append(Array(line[start...]))
        return result.filter { !$0.isEmpty }
    }

    /// A command line as the trace shows it: `AT…` with its `<CR>` token (the trace's own
    /// messages, such as `ATCore: init`, have none).
    private static func isHostLine(_ text: [UInt8]) -> Bool {
        ByteSearch.looksLikeCommand(text) && (ByteSearch.contains("<CR>", in: text, ignoringCase: true)
                                              || ByteSearch.contains("<LF>", in: text, ignoringCase: true))
    }

    private static func leadingIndent(_ bytes: [UInt8]) -> Int {
        var count = 0
        while count < bytes.count, ByteSearch.isSpace(bytes[count]) { count += 1 }
        return count
    }

    private static func startsWithLineEndToken(_ text: [UInt8]) -> Bool {
        ByteSearch.hasPrefix(text, Array("<CR>".utf8), at: 0, ignoringCase: true)
            || ByteSearch.hasPrefix(text, Array("<LF>".utf8), at: 0, ignoringCase: true)
    }

    /// `SEND (size=18)` or `RECV (size=18)`.
    private static func bannerSize(_ text: [UInt8]) -> (Direction, Int)? {
        var cursor = ByteCursor(text)
        guard let direction = cursor.skipDirection("SEND", "RECV") else {
            return nil
        }
        cursor.skipSpaces()
        guard cursor.skip("(size="), let size = cursor.digits(), cursor.skip(UInt8(ascii: ")")) else { return nil }
        return (direction, Int(size.value))
    }

    /// A sentence in parentheses or angle brackets where the payload should be.
    private static func isPlaceholder(_ text: [UInt8]) -> Bool {
        guard let first = text.first, let last = text.last, text.count > 2 else { return false }
        let wrapped = (first == UInt8(ascii: "(") && last == UInt8(ascii: ")"))
            || (first == UInt8(ascii: "<") && last == UInt8(ascii: ">") && EscapeDecoder.decode(text, escapes) == text)
        return wrapped && text.contains(0x20)
    }
}
