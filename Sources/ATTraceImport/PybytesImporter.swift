import ATTraceCore

/// Reads the Pycom / Pybytes modem debug trace (log-dialects.md `pybytes`):
/// `TX:[AT+CSQ]` and `RX:[bytearray(b'\r\n+CSQ: 20,99\r\n\r\nOK\r\n')]`.
///
/// `TX` is host → modem, `RX` modem → host. Received bytes are a Python bytes literal
/// (`b'…'`, `b"…"`, `bytearray(b'…')`) with `\r`, `\n` and `\xNN` escapes: exact. Sent
/// commands are usually printed before the terminator is added (`TX:[AT+CSQ]`): those get
/// it back (product.md §7.14), so the import is marked `reconstructed`; a payload sent
/// after a `> ` prompt gets none. The trace has no time.
struct PybytesImporter: DialectImporter {
    private(set) var framing = ImportSink.Framing.reconstructed
    private var promptOpen = false

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        entries(in: line).map { _ in .traffic }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        let bytes = line.bytes
        let entries = Self.entries(in: bytes)
        guard !entries.isEmpty else {
            if !ByteSearch.isBlank(bytes) { sink.skip(line) }
            return
        }
        for item in EntryPosition.bracketedData(of: entries, in: bytes) {
            let entry = item.entry
            let (literal, isBytesLiteral) = Self.unwrap(item.text)
            var data = isBytesLiteral ? EscapeDecoder.decode(literal, .cEscapes) : Array(literal)
            if entry.direction == .host && !isBytesLiteral && !promptOpen && !EscapeDecoder.containsLineEnd(data)
                && data != Array("+++".utf8) {
                data.append(0x0D)
            }
            if entry.direction == .host {
                promptOpen = false
            } else {
                promptOpen = data.count >= 2 && Array(data.suffix(2)) == [0x3E, 0x20]
            }
            sink.emit(data, direction: entry.direction, line: line.number)
            if !item.isClosed {
                sink.diagnoseCutOff(line: line.number, missing: "closing bracket", decoded: data.count)
            }
        }
    }

    private static func entries(in bytes: [UInt8]) -> [EntryPosition] {
        var result: [EntryPosition] = []
        var index = 0
        while index + 3 < bytes.count {
            let isTX = ByteSearch.hasPrefix(bytes, Array("TX:[".utf8), at: index)
            let isRX = ByteSearch.hasPrefix(bytes, Array("RX:[".utf8), at: index)
            // Not inside a word (`XTX:[`).
            let startsWord = index == 0 || !(ByteSearch.isDigit(bytes[index - 1]) || (bytes[index - 1] | 0x20) >= 0x61 && (bytes[index - 1] | 0x20) <= 0x7A)
            if (isTX || isRX) && startsWord {
                result.append(EntryPosition(start: index, direction: isTX ? .host : .modem, dataStart: index + 4))
                index += 4
                continue
            }
            index += 1
        }
        return result
    }

    /// `bytearray(b'…')`, `b'…'`, `b"…"` → the literal's text and `true`; anything else
    /// unchanged and `false`.
    private static func unwrap(_ text: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, Bool) {
        var slice = ByteSearch.trimmed(text)
        if ByteSearch.hasPrefix(slice, Array("bytearray(".utf8), at: slice.startIndex) {
            slice = slice.dropFirst(10)
            if slice.last == UInt8(ascii: ")") { slice = slice.dropLast() }
        }
        guard slice.count >= 2, slice.first == UInt8(ascii: "b"),
              let quote = slice.dropFirst().first, quote == 0x27 || quote == 0x22 else { return (text, false) }
        slice = slice.dropFirst(2)
        if slice.last == quote { slice = slice.dropLast() }
        return (slice, true)
    }
}
