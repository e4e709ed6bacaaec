import ATTraceCore

/// Reads the Azure RTOS / FreeRTOS Embedded Wireless Framework adapter trace
/// (log-dialects.md `ewf`): `[SEND][  10][AT+CSQ\r]` and
/// `[RECV][  20][\r\n+CSQ: 20,99\r\n\r\nOK\r\n]`.
///
/// The bytes are C-escaped inside the last bracket pair (exact framing); `SEND` is host →
/// modem, `RECV` modem → host. The number in the middle is the adapter's count, not a
/// time; the trace has no time. A data bracket that does not close on its line is a cut
/// entry.
struct EWFImporter: DialectImporter {
    let framing = ImportSink.Framing.exact

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
            let data = EscapeDecoder.decode(item.text, .cEscapes)
            sink.emit(data, direction: item.entry.direction, line: line.number)
            if !item.isClosed {
                sink.diagnoseCutOff(line: line.number, missing: "closing bracket", decoded: data.count)
            }
        }
    }

    /// Every `[SEND][n][` / `[RECV][n][` in the line.
    private static func entries(in bytes: [UInt8]) -> [EntryPosition] {
        var result: [EntryPosition] = []
        var index = 0
        while let open = ByteSearch.find("[", in: bytes, from: index) {
            var cursor = ByteCursor(bytes, at: open + 1)
            guard let direction = cursor.skipDirection("SEND", "RECV") else {
                index = open + 1
                continue
            }
            guard cursor.skip("]["), cursor.skipSpaces() >= 0, cursor.digits() != nil, cursor.skip("][") else {
                index = open + 1
                continue
            }
            result.append(EntryPosition(start: open, direction: direction, dataStart: cursor.index))
            index = cursor.index
        }
        return result
    }
}
