import ATTraceCore

/// Reads `socat -v`, `-x` and `-x -v` data dumps (log-dialects.md `socat`): a header
/// `> 2023/11/24 10:00:00.123456  length=9 from=0 to=8` per transfer, then its bytes.
///
/// `-v` shows the bytes as text with CR as `\r`, a backslash as `\\` and LF as a real line
/// break (other non-printables as `.`, which cannot be undone); `-x` shows them as hex, and
/// `-x -v` adds an ASCII column after two spaces and a `--` line after each transfer. The
/// header's `length=` says how many bytes follow, which decides whether a line break
/// belongs to the data and where a transfer that does not end with LF stops (socat then
/// prints the next header on the same line). `>` is data from the first address to the
/// second: host → modem unless `--host-side second`. Times are the header's (µs, or ns in
/// newer builds), local time read as UTC.
struct SocatImporter: DialectImporter {
    private struct Transfer {
        var direction: Direction
        var line: Int
        var time: LogTime
        var declared: Int
        var bytes: [UInt8] = []
        var isHex: Bool?
        var dataLines = 0
    }

    private struct Header {
        var start: Int
        var end: Int
        var direction: Direction
        var time: Timestamp
        var length: Int
    }

    let framing = ImportSink.Framing.exact
    let hostSide: ImportOptions.HostSide
    private var transfer: Transfer?

    init(hostSide: ImportOptions.HostSide) {
        self.hostSide = hostSide
    }

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        let found = headers(in: line, hostSide: .first)
        if !found.isEmpty { return found.map { _ in .traffic } }
        return ByteSearch.contains(" socat[", in: line) ? [.program] : []
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let bytes = line.bytes
        let headers = Self.headers(in: bytes, hostSide: hostSide)
        var position = 0
        var noise = false
        for header in headers {
            if header.start > position {
                noise = !data(bytes[position..<header.start], endsLine: false, into: &sink) || noise
            }
            close(into: &sink)
            transfer = Transfer(direction: header.direction, line: line.number, time: .absolute(header.time),
                                declared: header.length)
            // The data starts on the next line; a collapsed line puts it after spaces.
            position = header.end
        }
        if position < bytes.count || headers.isEmpty {
            let rest = bytes[position...]
            if headers.isEmpty || !ByteSearch.isBlank(rest) {
                var rest = rest
                if !headers.isEmpty, transfer?.isHex != true, !Self.isHexRow(rest) {
                    // A collapsed `-v` line: one space joined the header and the data.
                    if rest.first == 0x20 { rest = rest.dropFirst() }
                }
                noise = !data(rest, endsLine: true, into: &sink) || noise
            }
        }
        if noise && headers.isEmpty { sink.skip(line) }
    }

    mutating func finish(into sink: inout ImportSink) {
        close(into: &sink)
    }

    /// Adds data text to the open transfer; `false` when it is not data (no transfer open,
    /// or the transfer is complete and the text is not layout).
    private mutating func data(_ text: ArraySlice<UInt8>, endsLine: Bool, into sink: inout ImportSink) -> Bool {
        // `--` ends a transfer in `-x -v` output.
        guard var current = transfer else { return ByteSearch.isBlank(text) || Array(ByteSearch.trimmed(text)) == Array("--".utf8) }
        if current.bytes.count >= current.declared {
            // `--` ends a transfer in `-x -v`; anything else after a complete transfer is noise.
            let trimmed = ByteSearch.trimmed(text)
            return trimmed.isEmpty || Array(trimmed) == Array("--".utf8)
        }
        if current.isHex == nil { current.isHex = Self.isHexRow(text) }
        if current.isHex == true, Array(ByteSearch.trimmed(text)) == Array("--".utf8) {
            transfer = current
            return true
        }
        // Released while its bytes grow, so that adding a line does not copy them all.
        transfer = nil
        if current.isHex == true {
            current.bytes += Self.hexRow(text, limit: current.declared - current.bytes.count)
        } else {
            current.bytes += EscapeDecoder.decode(text, .cEscapes)
            // A line break inside the transfer is an LF byte of it.
            if endsLine && current.bytes.count < current.declared { current.bytes.append(0x0A) }
        }
        current.dataLines += 1
        transfer = current
        if current.bytes.count >= current.declared { close(into: &sink) }
        return true
    }

    private mutating func close(into sink: inout ImportSink) {
        guard let current = transfer else { return }
        transfer = nil
        var bytes = current.bytes
        if bytes.count > current.declared { bytes.removeLast(bytes.count - current.declared) }
        sink.emit(bytes, direction: current.direction, line: current.line, time: current.time)
        if bytes.count < current.declared {
            sink.diagnose(.truncatedEntry, "line \(current.line): the transfer declares \(current.declared) B "
                          + "but the log shows \(bytes.count)", line: current.line)
        }
    }

    // MARK: - Grammar

    private static func headers(in bytes: [UInt8], hostSide: ImportOptions.HostSide) -> [Header] {
        var result: [Header] = []
        var index = 0
        while index + 12 < bytes.count {
            let marker = bytes[index]
            if (marker == 0x3E || marker == 0x3C) && bytes[index + 1] == 0x20 && ByteSearch.isDigit(bytes[index + 2]),
               let header = header(bytes, at: index, hostSide: hostSide) {
                result.append(header)
                index = header.end
                continue
            }
            index += 1
        }
        return result
    }

    private static func header(_ bytes: [UInt8], at start: Int, hostSide: ImportOptions.HostSide) -> Header? {
        var cursor = ByteCursor(bytes, at: start + 2)
        guard let days = TimeParser.date(&cursor), cursor.skip(0x20),
              let time = TimeParser.timeOfDay(&cursor), cursor.skipSpaces() > 0,
              cursor.skip("length="), let length = cursor.digits(), cursor.skipSpaces() > 0,
              cursor.skip("from="), cursor.digits() != nil, cursor.skipSpaces() > 0,
              cursor.skip("to="), cursor.digits() != nil,
              let nanoseconds = TimeParser.nanoseconds(days, per: TimeParser.nanosecondsPerDay, plus: time) else { return nil }
        let fromFirst = bytes[start] == 0x3E
        let direction: Direction = (fromFirst == (hostSide == .first)) ? .host : .modem
        return Header(start: start, end: cursor.index, direction: direction, time: Timestamp(nanoseconds: nanoseconds),
                      length: Int(length.value))
    }

    /// ` 41 54 0d`: spaces, then two hex digits and a space or the end.
    private static func isHexRow(_ text: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(text)
        var index = 0
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        guard index > 0, index + 1 < bytes.count, ByteSearch.hexValue(bytes[index]) != nil,
              ByteSearch.hexValue(bytes[index + 1]) != nil else { return false }
        return index + 2 == bytes.count || bytes[index + 2] == 0x20
    }

    /// The bytes of a hex row, up to `limit`. In a row the ASCII column of `-x -v` follows
    /// two spaces and is ignored; in a collapsed line, rows and ASCII columns alternate, so
    /// every word that is two hex digits is a byte until the transfer's length is reached.
    private static func hexRow(_ text: ArraySlice<UInt8>, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, text[index] == 0x20 { index += 1 }
        // Back to the space before the first pair; a row that starts with a digit (a
        // damaged or collapsed log) has none and is read word by word.
        if index > text.startIndex { index -= 1 }
        while out.count < limit, index + 2 < text.endIndex, text[index] == 0x20,
              let high = ByteSearch.hexValue(text[index + 1]), let low = ByteSearch.hexValue(text[index + 2]) {
            out.append(high << 4 | low)
            index += 3
        }
        guard out.count < limit, index < text.endIndex else { return out }
        for word in text[index...].split(separator: 0x20) where out.count < limit {
            guard word.count == 2, let high = ByteSearch.hexValue(word[word.startIndex]),
                  let low = ByteSearch.hexValue(word[word.startIndex + 1]) else { continue }
            out.append(high << 4 | low)
        }
        return out
    }
}
