import ATTraceCore

/// Writes a ``TraceScript`` as text that ``TraceScriptParser`` reads back to the same
/// records (Samples/scripts/README.md, "Format").
///
/// Bytes become the most readable form the data grammar allows: printable ASCII literally
/// (`<` as `<lt>`, `{` as `<lb>`), the named controls as `<CR>`, `<LF>`, …, runs of four or
/// more other bytes as one `{hex: …}` block, single ones as `<xNN>`, and spaces at the end of
/// a row as `<SP>` (the parser strips trailing white space).
enum TraceScriptRenderer {
    static func render(_ script: TraceScript) -> String {
        var out: [UInt8] = []
        if let title = script.title {
            append("@title ", to: &out)
            // A title is one line; line ends inside it would start new rows.
            for byte in title.utf8 { out.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
            out.append(0x0A)
        }
        // A record earlier than `start` has no row form; move t = 0 back to it.
        let earliest = script.records.compactMap(\.time).min()
        let start = earliest.map { Swift.min($0, script.start) } ?? script.start
        append("@start ", to: &out)
        start.appendISO8601(to: &out)
        out.append(0x0A)
        if let truncateBytes = script.truncateBytes {
            append("@truncate \(truncateBytes)\n", to: &out)
        }
        var channel: UInt32 = 0
        var previousTime = start
        for record in script.records {
            switch record {
            case .chunk(let chunk):
                if chunk.channel != channel {
                    channel = chunk.channel
                    append("@channel \(channel)\n", to: &out)
                }
                guard !chunk.bytes.isEmpty else {
                    append("# empty chunk (frame \(chunk.frame)) omitted\n", to: &out)
                    continue
                }
                appendTime(rowTime(chunk.time, previous: &previousTime, out: &out).since(start).nanoseconds, to: &out)
                switch chunk.direction {
                case .host: append(" > ", to: &out)
                case .modem: append(" < ", to: &out)
                case .unknown: append(" ? ", to: &out)
                }
                appendData(chunk.bytes, to: &out)
                out.append(0x0A)
            case .event(let event):
                if event.channel != channel {
                    channel = event.channel
                    append("@channel \(channel)\n", to: &out)
                }
                appendTime(rowTime(event.time, previous: &previousTime, out: &out).since(start).nanoseconds, to: &out)
                append(" ! ", to: &out)
                out.append(contentsOf: event.jsonBody)
                out.append(0x0A)
            case .diagnostic(let diagnostic):
                append("# diagnostic \(diagnostic.code) (frame \(diagnostic.frame)): ", to: &out)
                for byte in diagnostic.message.utf8 { out.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
                out.append(0x0A)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Scripts need non-decreasing times; a capture whose clock stepped back gets the
    /// previous row's time and a comment with the original.
    private static func rowTime(_ time: Timestamp, previous: inout Timestamp, out: inout [UInt8]) -> Timestamp {
        guard time >= previous else {
            append("# the next row was recorded at ", to: &out)
            time.appendISO8601(to: &out)
            append(" (earlier than the row before it)\n", to: &out)
            return previous
        }
        previous = time
        return time
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// Seconds with at least three fractional digits and no trailing zeros beyond them.
    static func appendTime(_ nanoseconds: Int64, to out: inout [UInt8]) {
        let seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        append(String(seconds), to: &out)
        out.append(UInt8(ascii: "."))
        var digits = 9
        while digits > 3, fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        for _ in text.utf8.count..<digits { out.append(UInt8(ascii: "0")) }
        append(text, to: &out)
    }

    /// Bytes that have a readable form of their own (literal or a named token).
    private static func hasReadableForm(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte < 0x7F) || namedToken(byte) != nil
    }

    private static func namedToken(_ byte: UInt8) -> String? {
        switch byte {
        case 0x0D: "<CR>"
        case 0x0A: "<LF>"
        case 0x1A: "<SUB>"
        case 0x1B: "<ESC>"
        case 0x00: "<NUL>"
        case 0x09: "<TAB>"
        default: nil
        }
    }

    static func appendData(_ bytes: [UInt8], to out: inout [UInt8]) {
        // Spaces that end the row would be stripped as layout.
        var trailingSpaces = bytes.count
        while trailingSpaces > 0, bytes[trailingSpaces - 1] == 0x20 { trailingSpaces -= 1 }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if !hasReadableForm(byte) {
                var end = index
                while end < bytes.count, !hasReadableForm(bytes[end]) { end += 1 }
                if end - index >= 4 {
                    append("{hex:", to: &out)
                    for value in bytes[index..<end] {
                        out.append(0x20)
                        out.append(hexDigit(value >> 4))
                        out.append(hexDigit(value & 0x0F))
                    }
                    out.append(UInt8(ascii: "}"))
                    index = end
                    continue
                }
                append("<x", to: &out)
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
                out.append(UInt8(ascii: ">"))
            } else if let token = namedToken(byte) {
                append(token, to: &out)
            } else if byte == UInt8(ascii: "<") {
                append("<lt>", to: &out)
            } else if byte == UInt8(ascii: "{") {
                append("<lb>", to: &out)
            } else if byte == 0x20 && index >= trailingSpaces {
                append("<SP>", to: &out)
            } else {
                out.append(byte)
            }
            index += 1
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 + nibble : 55 + nibble
    }
}
