import ATTraceCore

/// Reads a terminal paste (log-dialects.md `raw`): commands, echo, responses and blank
/// lines with no direction markers and no times.
///
/// Every non-blank line is a chunk of unknown direction: the decoder infers the direction
/// from content and marks it (product.md §3). Line ends are rebuilt (product.md §7.14):
/// `AT…` lines get `<CR>`, other lines `<CR><LF>…<CR><LF>`, a `>` line is the prompt, and
/// `> text` is the prompt followed by the typed payload. A CR inside a line (a CR-only
/// file) splits it; a line that holds a whole collapsed session (`AT+CSQ +CSQ: 20,99 OK`)
/// is split before each command and result code.
struct RawImporter: DialectImporter {
    let framing = ImportSink.Framing.reconstructed
    private var rebuilder = FramingRebuilder()
    /// Emit the inferred direction instead of `unknown` (``ImportOptions/assignsInferredDirections``).
    var assignsDirections = false

    init(assignsDirections: Bool = false) {
        self.assignsDirections = assignsDirections
    }

    /// One entry per command or result line, also in a collapsed line. A paste has no
    /// direction markers: a line led by an arrow (`-> +CSQ: 20,99`) is an `arrow-pair` log's,
    /// whose unmarked command lines would otherwise make it look like a paste.
    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        let text = Array(ByteSearch.trimmed(line[...]))
        if ArrowPairImporter.markers.contains(where: { ByteSearch.hasPrefix(text, $0, at: 0)
            && (text.count == $0.count || text[$0.count] == 0x20) }) {
            return []
        }
        return line.split(separator: 0x0D).flatMap { piece in
            split(Array(ByteSearch.trimmed(piece))).compactMap { looksLikeTraffic($0) ? LineEvidence.traffic : nil }
        }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        consumeTraffic(line.bytes, line: line.number, time: nil, into: &sink)
    }

    /// Rebuilds and emits the traffic in one line (also used by `tinygsm`).
    mutating func consumeTraffic(_ bytes: [UInt8], line: Int, time: LogTime?, into sink: inout ImportSink) {
        for piece in bytes.split(separator: 0x0D, omittingEmptySubsequences: true) {
            let trimmed = Array(ByteSearch.trimmed(piece))
            if Self.looksLikeProse(trimmed) {
                sink.skipText(trimmed, line: line)
                continue
            }
            for text in Self.split(trimmed) where !text.isEmpty {
                let (isPrompt, rest) = FramingRebuilder.splitPrompt(text)
                if isPrompt {
                    let prompt = rebuilder.unknown([0x3E])
                    if prompt.role == .modemPrompt {
                        emit(prompt, line: line, time: time, into: &sink)
                        if !rest.isEmpty { emit(rebuilder.unknown(rest), line: line, time: time, into: &sink) }
                        continue
                    }
                }
                emit(rebuilder.unknown(text), line: line, time: time, into: &sink)
            }
        }
    }

    private func emit(_ piece: (bytes: [UInt8], role: FramingRebuilder.Role), line: Int, time: LogTime?,
                      into sink: inout ImportSink) {
        sink.emit(piece.bytes, direction: assignsDirections ? piece.role.direction : .unknown, line: line, time: time)
    }

    // MARK: - What AT traffic looks like

    /// Result codes and other module lines that have no `+NAME:` prefix.
    static let bareLines: [[UInt8]] = ["OK", "ERROR", "NO CARRIER", "CONNECT", "SEND OK", "SEND FAIL", "RDY", "RING",
                                       "BUSY", "NO ANSWER", "NO DIALTONE", "POWERED DOWN", "NORMAL POWER DOWN",
                                       "+CME ERROR", "+CMS ERROR", "APP RDY"].map { Array($0.utf8) }

    /// A command line, a result code, a `+NAME:` line or a prompt.
    static func looksLikeTraffic(_ text: [UInt8]) -> Bool {
        if ByteSearch.looksLikeCommand(text) {
            // `A/`, `AT+…`, `ATE0`, `at+csq`; a bare `AT` in one case (also before a space in a
            // collapsed line); not prose such as "At the".
            if text[1] == 0x2F { return true }
            if text.count > 2 && isCommandCharacter(text[2]) { return true }
            let letters = Array(text.prefix(2))
            return (text.count == 2 || text[2] == 0x20) && (letters == Array("AT".utf8) || letters == Array("at".utf8))
        }
        if bareLines.contains(where: { text == $0 || (ByteSearch.hasPrefix(text, $0, at: 0) && text.count > $0.count
                                                      && [0x20, 0x3A].contains(text[$0.count])) }) {
            return true
        }
        return prefixEnd(text, at: 0) != nil
    }

    /// `+NAME:` at `index`: the index after the colon.
    private static func prefixEnd(_ text: [UInt8], at index: Int) -> Int? {
        guard index < text.count, text[index] == 0x2B else { return nil }
        var end = index + 1
        while end < text.count, (text[end] >= 0x41 && text[end] <= 0x5A) || ByteSearch.isDigit(text[end]) { end += 1 }
        guard end > index + 1, end < text.count, text[end] == 0x3A else { return nil }
        return end + 1
    }

    /// What may follow `AT` in a command line: an upper-case letter, a digit, or a symbol
    /// that starts an extended or vendor command.
    private static func isCommandCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || ByteSearch.isDigit(byte)
            || [0x2B, 0x26, 0x5C, 0x25, 0x24, 0x23, 0x2A, 0x5E, 0x3F, 0x3D, 0x3B, 0x40].contains(byte)
    }

    /// A sentence someone typed around the paste ("Any idea what is wrong?"): four or more
    /// words, mostly lower-case letters, and no AT shape. Module text (`Quectel`,
    /// `Revision: EC25EFAR06A06M4G`, `+CME ERROR: SIM not inserted`) is shorter or upper case.
    static func looksLikeProse(_ text: [UInt8]) -> Bool {
        guard !looksLikeTraffic(text), text.split(separator: 0x20).count >= 4 else { return false }
        let letters = text.filter { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
        let lower = letters.filter { $0 >= 0x61 && $0 <= 0x7A }
        return letters.count >= 8 && lower.count * 3 >= letters.count * 2
    }

    /// Splits a collapsed line before each command and result code after the first token
    /// (the first piece may be something else: a library line's text in `tinygsm`).
    static func split(_ text: [UInt8]) -> [[UInt8]] {
        guard text.count > 6 else { return [text] }
        var starts: [Int] = []
        var index = 2
        var inQuotes = false
        while index < text.count {
            if text[index - 1] == 0x22 { inQuotes.toggle() }
            if !inQuotes, text[index - 1] == 0x20, startsToken(text, at: index) { starts.append(index) }
            index += 1
        }
        return ByteSearch.split(text, at: starts)
    }

    private static func startsToken(_ text: [UInt8], at index: Int) -> Bool {
        if text[index] == UInt8(ascii: "A"), index + 2 < text.count, text[index + 1] == UInt8(ascii: "T"),
           isCommandCharacter(text[index + 2]), text[index + 2] != 0x3D {
            return true
        }
        if prefixEnd(text, at: index) != nil { return true }
        // The prompt, with what was typed after it.
        if text[index] == 0x3E, index + 1 == text.count || text[index + 1] == 0x20 { return true }
        // A later word of a result code of several words belongs to it: `OK` of `SEND OK`,
        // `ERROR` of `+CME ERROR: 10`, `RDY` of `APP RDY`.
        if isInsideBareLine(text, at: index) { return false }
        for line in bareLines where ByteSearch.hasPrefix(text, line, at: index) {
            let end = index + line.count
            if end == text.count || text[end] == 0x20 || text[end] == 0x3A { return true }
        }
        return false
    }

    /// Whether a bare line of several words starts before `index` and has a word at `index`.
    private static func isInsideBareLine(_ text: [UInt8], at index: Int) -> Bool {
        bareLines.contains { line in
            line.indices.contains { space in
                line[space] == 0x20 && index > space && ByteSearch.hasPrefix(text, line, at: index - space - 1)
            }
        }
    }
}
