import ATTraceCore

/// Reads a terminal paste (log-dialects.md `raw`): commands, echo, responses and blank
/// lines with no direction markers and no times.
///
/// Every non-blank line is a chunk of unknown direction: the decoder infers the direction
/// from content and marks it (product.md §3). Line ends are rebuilt (product.md §7.14):
/// `AT…` lines get `<CR>`, other lines `<CR><LF>…<CR><LF>`, a `>` line is the prompt, and
/// `> text` is the prompt followed by the typed payload. A CR inside a line (a CR-only
/// file) splits it; a line that holds a whole collapsed session (`AT+CSQ +CSQ: 20,99 OK`)
/// is split before each command and result code, except inside the data of a counted
/// header (`+QIRD: 5 abcde OK`), and prose stuck to a result code (`OK Any idea what is
/// wrong?`) is skipped.
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
    ///
    /// A collapsed line is cut piece by piece rather than split up front, because where a
    /// piece ends can depend on the piece before it: the bytes after a counted header
    /// (`+QIRD: 5 abcde OK`) are data whatever they look like, so their end is counted,
    /// not searched for.
    mutating func consumeTraffic(_ bytes: [UInt8], line: Int, time: LogTime?, into sink: inout ImportSink) {
        for piece in bytes.split(separator: 0x0D, omittingEmptySubsequences: true) {
            let trimmed = Array(ByteSearch.trimmed(piece))
            if Self.looksLikeProse(trimmed) {
                sink.skipText(trimmed, line: line)
                continue
            }
            var start = 0
            while start < trimmed.count {
                if let end = Self.countedDataEnd(trimmed, from: start, count: rebuilder.countedBytesRemaining) {
                    emit(rebuilder.unknown(Array(trimmed[start..<end])), line: line, time: time, into: &sink)
                    start = Self.skippingSpaces(trimmed, from: end)
                    continue
                }
                start = Self.skippingSpaces(trimmed, from: start)
                var end = Self.nextStart(in: trimmed, after: start) ?? trimmed.count
                var text = Array(trimmed[start..<end])
                if !rebuilder.expectsModemData, !rebuilder.expectsHostPayload, let headerEnd = Self.countedHeaderEnd(text),
                   let count = rebuilder.countedLength(of: Array(text[..<headerEnd])),
                   Self.countedDataEnd(trimmed, from: start + headerEnd + 1, count: count) != nil {
                    // The header's data follows after the space its line end became; the
                    // next turn of the loop takes it by its count.
                    end = start + headerEnd + 1
                    text.removeSubrange(headerEnd...)
                }
                start = end
                consumePiece(Array(ByteSearch.trimmed(text[...])), line: line, time: time, into: &sink)
            }
        }
    }

    /// One command, module line or prompt of a line.
    private mutating func consumePiece(_ text: [UInt8], line: Int, time: LogTime?, into sink: inout ImportSink) {
        guard !text.isEmpty else { return }
        // Counted data and typed payload are kept whatever they read like; a final result
        // ends a typed payload (``FramingRebuilder/unknown(_:)``), so its prose is noise.
        let isData = rebuilder.expectsModemData || (rebuilder.expectsHostPayload && !FramingRebuilder.isResult(text))
        if !isData, let prose = Self.proseAfterResult(text) {
            emit(rebuilder.unknown(Array(ByteSearch.trimmed(text[..<prose.lowerBound]))), line: line, time: time, into: &sink)
            sink.skipText(Array(text[prose]), line: line)
            return
        }
        let (isPrompt, rest) = FramingRebuilder.splitPrompt(text)
        if isPrompt {
            let prompt = rebuilder.unknown([0x3E])
            if prompt.role == .modemPrompt {
                emit(prompt, line: line, time: time, into: &sink)
                if !rest.isEmpty { emit(rebuilder.unknown(rest), line: line, time: time, into: &sink) }
                return
            }
        }
        emit(rebuilder.unknown(text), line: line, time: time, into: &sink)
    }

    /// Where `count` bytes of counted data that start at `start` end, when the line bears
    /// the count out: they run to the end of the line, or a command, result code or module
    /// line follows them after a space (the collapsed line end). Otherwise nil, and the
    /// line is split as without a count: a count the line does not bear out (a length that
    /// lies, data whose own line ends were collapsed too) is the decoder's to report.
    private static func countedDataEnd(_ text: [UInt8], from start: Int, count: Int) -> Int? {
        guard count > 0, start < text.count, count <= text.count - start else { return nil }
        let end = start + count
        if end == text.count { return end }
        guard text[end] == 0x20 else { return nil }
        let next = skippingSpaces(text, from: end)
        // Read as the start of a line of its own (a word before it is data, not the first
        // word of a result code); the first bytes decide, and copying the rest of a long
        // collapsed line for each header would cost its length every time.
        return next < text.count && startsToken(Array(text[next..<min(text.count, next + 64)]), at: 0) ? end : nil
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
        ByteSearch.split(text, at: starts(in: text))
    }

    /// Where the pieces of a collapsed line after the first one start.
    static func starts(in text: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var start = 0
        while let next = nextStart(in: text, after: start) {
            starts.append(next)
            start = next
        }
        return starts
    }

    /// The start of the piece after the one at `start`: the next command or result code
    /// after a space and outside quotes. Quotes are counted from `start`, which is the line's
    /// start or a token's (never inside quotes), so cutting piece by piece finds the same
    /// starts as one pass over the line.
    static func nextStart(in text: [UInt8], after start: Int) -> Int? {
        guard text.count > 6 else { return nil }
        var index = start + 2
        var inQuotes = false
        while index < text.count {
            if text[index - 1] == 0x22 { inQuotes.toggle() }
            if !inQuotes, text[index - 1] == 0x20, startsToken(text, at: index) { return index }
            index += 1
        }
        return nil
    }

    private static func skippingSpaces(_ text: [UInt8], from index: Int) -> Int {
        var index = index
        while index < text.count, text[index] == 0x20 { index += 1 }
        return index
    }

    /// Where the header ends in a module line that may have collapsed data after it
    /// (`+QIRD: 5 abcde`, `CONNECT 100 …`): at the first space after the parameters, which
    /// hold no space outside quotes. Whether the header announces data is the catalog's
    /// call (``FramingRebuilder/countedLength(of:)``).
    static func countedHeaderEnd(_ text: [UInt8]) -> Int? {
        guard text.first == 0x2B || ByteSearch.hasPrefix(text, Array("CONNECT ".utf8), at: 0),
              var index = text.firstIndex(of: 0x20) else { return nil }
        index = skippingSpaces(text, from: index)
        var inQuotes = false
        while index < text.count {
            if text[index] == 0x22 { inQuotes.toggle() }
            if !inQuotes, text[index] == 0x20 { return index }
            index += 1
        }
        return nil
    }

    /// Result codes that never carry text of their own after a space. Prose typed after
    /// one sticks to it when the newline is collapsed (`OK Any idea what is wrong?`); a
    /// `+CME ERROR: …` text is the module's and is kept.
    private static let resultsWithoutText: [[UInt8]] = bareLines.filter { $0.first != 0x2B }

    /// The prose after a result code in `text` (``looksLikeProse(_:)``), to skip as noise.
    static func proseAfterResult(_ text: [UInt8]) -> Range<Int>? {
        for result in resultsWithoutText where ByteSearch.hasPrefix(text, result, at: 0)
            && text.count > result.count + 1 && text[result.count] == 0x20 {
            let prose = skippingSpaces(text, from: result.count)..<text.count
            return looksLikeProse(Array(text[prose])) ? prose : nil
        }
        return nil
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
