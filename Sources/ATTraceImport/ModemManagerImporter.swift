import ATTraceCore

/// Reads ModemManager's AT port trace (log-dialects.md `modemmanager` and `mmtty`):
/// `[epoch.µs] [modem0/ttyUSB2/at] --> 'AT<CR>'` and `<-- '<CR><LF>OK<CR><LF>'`, bare or
/// inside a syslog, journald or OpenWrt `logread` prefix, the legacy `<debug> (ttyUSB2):`
/// form, and the prefix-less `(ttyUSB3): --> '…'` of `mmtty`.
///
/// Each arrow is one `read()` or `write()` (exact framing): `-->` host → modem, `<--`
/// modem → host. ModemManager prints CR and LF as `<CR>` `<LF>` and other non-printables
/// as `\` and a decimal value. The payload ends at the last quote before the next arrow,
/// so collapsed lines hold several entries; a payload whose closing quote is not on its
/// line continues on the following lines (a line break there is an LF byte, unless the
/// text before it already ended with `<LF>`). Time: the bracketed epoch seconds, else the
/// syslog or journald time.
struct ModemManagerImporter: DialectImporter {
    private struct OpenPayload {
        var direction: Direction
        var line: Int
        var time: LogTime?
        var text: [UInt8]
    }

    private struct Arrow {
        var index: Int
        var direction: Direction
        var payloadStart: Int
    }

    static let escapes: EscapeDecoder.Styles = [.angleTokens, .decimalBackslash]
    private static let quote = UInt8(ascii: "'")

    private var open: OpenPayload?
    let framing = ImportSink.Framing.exact

    // MARK: - Detection

    /// One entry per arrow: `mmtty` arrows follow a bare `(ttyUSB3):`, ModemManager's a log
    /// prefix (`<debug>`, `[modem0/ttyUSB2/at]`, `ModemManager[812]:`, a bracketed epoch).
    static func evidence(_ line: [UInt8], dialect: LogDialect) -> [LineEvidence] {
        let found = arrows(in: line)
        let portArrows = found.filter { followsPortName(line, arrow: $0.index) }
        let hasMarker = ["ModemManager", "<debug>", "<info>", "<warn>", "<msg>", "/at]", "[modem"]
            .contains { ByteSearch.contains($0, in: line) }
        if dialect == .mmtty {
            return hasMarker ? [] : portArrows.map { _ in .traffic }
        }
        if !found.isEmpty && (hasMarker || bracketEpoch(in: line[...]) != nil) {
            return found.map { _ in .traffic }
        }
        return ByteSearch.contains("ModemManager[", in: line) ? [.program] : []
    }

    /// `(ttyUSB3): ` right before the arrow.
    private static func followsPortName(_ line: [UInt8], arrow: Int) -> Bool {
        var index = arrow
        while index > 0 && line[index - 1] == 0x20 { index -= 1 }
        guard index >= 3, line[index - 1] == UInt8(ascii: ":"), line[index - 2] == UInt8(ascii: ")") else { return false }
        guard let open = line[..<(index - 2)].lastIndex(of: UInt8(ascii: "(")) else { return false }
        let name = line[(open + 1)..<(index - 2)]
        return !name.isEmpty && !name.contains(0x20) && (open == 0 || line[open - 1] == 0x20 || line[open - 1] == UInt8(ascii: "'"))
    }

    // MARK: - Reading

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let bytes = line.bytes
        let arrows = Self.arrows(in: bytes)
        var position = 0
        if var payload = open {
            // Released so that appending to the payload does not copy it for every line.
            open = nil
            let isNewEntry = !arrows.isEmpty || ByteSearch.contains("ModemManager[", in: bytes)
            if !isNewEntry {
                if let close = bytes.lastIndex(of: Self.quote), ByteSearch.isBlank(bytes[(close + 1)...]) {
                    payload.text += Self.joiner(after: payload.text) + bytes[..<close]
                    open = nil
                    emit(payload, closed: true, into: &sink)
                } else {
                    payload.text += Self.joiner(after: payload.text) + bytes
                    open = payload
                }
                return
            }
            // A new entry starts: the open payload ends at a quote before it, or was cut.
            let limit = arrows.first.map { Self.entryStart(in: bytes, arrow: $0.index) } ?? 0
            var closed = false
            if let close = bytes[..<limit].lastIndex(of: Self.quote) {
                payload.text += Self.joiner(after: payload.text) + bytes[..<close]
                position = close + 1
                closed = true
            }
            open = nil
            emit(payload, closed: closed, into: &sink)
        }
        guard !arrows.isEmpty else {
            if !ByteSearch.isBlank(bytes) { sink.skip(line) }
            return
        }
        for (number, arrow) in arrows.enumerated() {
            let time = Self.time(in: bytes[min(position, arrow.index)..<arrow.index])
            let end = number + 1 < arrows.count ? arrows[number + 1].index : bytes.count
            let region = bytes[arrow.payloadStart..<end]
            var payload = OpenPayload(direction: arrow.direction, line: line.number, time: time, text: [])
            if let close = region.lastIndex(of: Self.quote) {
                payload.text = Array(bytes[arrow.payloadStart..<close])
                position = close + 1
                emit(payload, closed: true, into: &sink)
            } else if number + 1 < arrows.count {
                let cut = Self.entryStart(in: bytes, arrow: arrows[number + 1].index)
                payload.text = Array(bytes[arrow.payloadStart..<max(arrow.payloadStart, cut)])
                position = end
                emit(payload, closed: false, into: &sink)
            } else {
                payload.text = Array(region)
                open = payload
            }
        }
    }

    mutating func finish(into sink: inout ImportSink) {
        if let payload = open {
            open = nil
            emit(payload, closed: false, into: &sink)
        }
    }

    private func emit(_ payload: OpenPayload, closed: Bool, into sink: inout ImportSink) {
        let bytes = EscapeDecoder.decode(payload.text, Self.escapes)
        sink.emit(bytes, direction: payload.direction, line: payload.line, time: payload.time)
        if !closed {
            sink.diagnoseCutOff(line: payload.line, missing: "closing quote", decoded: bytes.count)
        }
    }

    // MARK: - Grammar

    /// `-->` or `<--`, spaces, and the opening quote.
    private static func arrows(in bytes: [UInt8]) -> [Arrow] {
        var result: [Arrow] = []
        var index = 0
        while index + 4 < bytes.count {
            let isHost = bytes[index] == 0x2D && bytes[index + 1] == 0x2D && bytes[index + 2] == 0x3E
            let isModem = bytes[index] == 0x3C && bytes[index + 1] == 0x2D && bytes[index + 2] == 0x2D
            if isHost || isModem {
                var cursor = ByteCursor(bytes, at: index + 3)
                if cursor.skipSpaces() > 0, cursor.skip(quote) {
                    result.append(Arrow(index: index, direction: isHost ? .host : .modem, payloadStart: cursor.index))
                    index = cursor.index
                    continue
                }
            }
            index += 1
        }
        return result
    }

    /// Where the entry of an arrow begins in a collapsed line: after the last quote before
    /// it (the end of the previous payload), or the line start.
    private static func entryStart(in bytes: [UInt8], arrow: Int) -> Int {
        var index = arrow
        // The prefix of an entry holds no quote: walk back to the previous one.
        while index > 0 && bytes[index - 1] != quote { index -= 1 }
        return index > 0 ? index - 1 : 0
    }

    private static func joiner(after text: [UInt8]) -> [UInt8] {
        text.count >= 4 && ByteSearch.hasPrefix(text, Array("<LF>".utf8), at: text.count - 4, ignoringCase: true) ? [] : [0x0A]
    }

    /// `[1700000000.123456]` anywhere in the prefix.
    private static func bracketEpoch(in region: ArraySlice<UInt8>) -> Timestamp? {
        var found: Timestamp?
        let bytes = Array(region)
        var index = 0
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "[")) {
            var cursor = ByteCursor(bytes, at: open + 1)
            if let time = TimeParser.epochSeconds(&cursor), cursor.current == UInt8(ascii: "]") { found = time }
            index = open + 1
        }
        return found
    }

    /// The entry's time: the bracketed epoch (µs), else a journald ISO time or a syslog
    /// time at the start of the prefix.
    private static func time(in region: ArraySlice<UInt8>) -> LogTime? {
        if let epoch = bracketEpoch(in: region) { return .absolute(epoch) }
        var cursor = ByteCursor(Array(region))
        cursor.skipSpaces()
        if let time = TimeParser.dateTime(&cursor) { return .absolute(time) }
        return TimeParser.syslog(&cursor)
    }
}
