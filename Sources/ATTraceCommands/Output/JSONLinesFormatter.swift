import ATTraceCore

/// Writes decoded records as JSON Lines, one object per line, exactly as product.md §2.1
/// specifies (required keys first, optional keys after; Docs/CLI.md lists them all).
///
/// Byte strings (command lines, response lines) are written losslessly: printable ASCII as
/// is, control bytes escaped, bytes 0x80–0xFF as the Unicode code points U+0080–U+00FF.
struct JSONLinesFormatter {
    /// Time of the first record of the input; `rel` counts from it (product.md §7.13).
    var origin: Timestamp?
    private var dates = DateCache()
    /// With several inputs, each object names its input.
    var inputName: String?

    mutating func write(_ record: DecodedRecord, to out: inout ByteWriter) {
        switch record {
        case .transaction(let t): write(t, to: &out)
        case .urc(let u): write(u, to: &out)
        case .data(let d): write(d, to: &out)
        case .mode(let m): write(m, to: &out)
        case .event(let e): write(e, to: &out)
        case .diagnostic(let d): write(d, to: &out)
        case .multiplexer(let m): write(m, to: &out)
        }
        if let inputName {
            // Re-open the object to add the input's name before its closing brace.
            if out.last == UInt8(ascii: "}") {
                out.removeLast()
                out.write(",\"input\":")
                Self.writeString(bytes: inputName.utf8, to: &out, isUTF8: true)
                out.write(UInt8(ascii: "}"))
            }
        }
        out.write(UInt8(ascii: "\n"))
        out.flushIfNeeded()
    }

    // MARK: - Records

    private mutating func write(_ t: Transaction, to out: inout ByteWriter) {
        out.write("{\"type\":\"transaction\",\"id\":")
        out.write(integer: t.id)
        out.write(",\"command\":")
        Self.writeString(bytes: t.commandLine, to: &out)
        out.write(",\"name\":")
        Self.writeString(bytes: t.name.utf8, to: &out)
        out.write(",\"form\":\"")
        out.write(t.form.rawValue)
        out.write("\",\"start\":")
        writeTime(t.start, to: &out)
        out.write(",\"end\":")
        if let end = t.end { writeTime(end, to: &out) } else { out.write("null") }
        out.write(",\"latency_ms\":")
        if let latency = t.latency {
            out.write(fixedPoint: latency.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
        } else {
            out.write("null")
        }
        out.write(",\"final\":")
        if let final = t.final { Self.writeString(bytes: final.line, to: &out) } else { out.write("null") }
        out.write(",\"status\":\"")
        out.write(t.status.rawValue)
        out.write("\",\"responses\":[")
        for (index, line) in t.responses.enumerated() {
            if index > 0 { out.write(UInt8(ascii: ",")) }
            Self.writeString(bytes: line.text, to: &out)
        }
        out.write("],\"frames\":[")
        out.write(integer: t.firstFrame)
        out.write(UInt8(ascii: ","))
        out.write(integer: t.lastFrame)
        out.write(UInt8(ascii: "]"))
        // Optional keys.
        writeRel(t.start, to: &out)
        if let tx = t.tx {
            out.write(",\"tx\":")
            Self.writePayload(tx, to: &out)
        }
        if let rx = t.rx {
            out.write(",\"rx\":")
            Self.writePayload(rx, to: &out)
        }
        if !t.command.parameters.isEmpty {
            out.write(",\"params\":[")
            for (index, parameter) in t.command.parameters.enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                Self.writeString(bytes: parameter.text.utf8, to: &out)
            }
            out.write(UInt8(ascii: "]"))
        }
        if t.hasPrompt { out.write(",\"prompt\":true") }
        if t.hasEcho { out.write(",\"echo\":true") }
        if let maximum = t.maximumResponseTime {
            out.write(",\"max_ms\":")
            out.write(fixedPoint: maximum.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
        }
        if t.commands.count > 1 {
            out.write(",\"commands\":[")
            for (index, command) in t.commands.enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                out.write("{\"name\":")
                Self.writeString(bytes: command.name.utf8, to: &out)
                out.write(",\"form\":\"")
                out.write(command.form.rawValue)
                out.write("\",\"params\":[")
                for (p, parameter) in command.parameters.enumerated() {
                    if p > 0 { out.write(UInt8(ascii: ",")) }
                    Self.writeString(bytes: parameter.text.utf8, to: &out)
                }
                out.write("]}")
            }
            out.write(UInt8(ascii: "]"))
        }
        if let repeated = t.repeatedLine {
            out.write(",\"repeats\":")
            Self.writeString(bytes: repeated, to: &out)
        }
        if let earlier = t.pipelinedAfter {
            out.write(",\"pipelined_after\":")
            out.write(integer: earlier)
        }
        writeChannel(t.channel, to: &out)
        if t.hasInferredDirection { out.write(",\"inferred\":true") }
        out.write(UInt8(ascii: "}"))
    }

    private mutating func write(_ u: URCRecord, to out: inout ByteWriter) {
        out.write("{\"type\":\"urc\",\"name\":")
        Self.writeString(bytes: u.name.utf8, to: &out)
        out.write(",\"text\":")
        Self.writeString(bytes: u.text, to: &out)
        out.write(",\"time\":")
        writeTime(u.time, to: &out)
        writeRel(u.time, to: &out)
        out.write(",\"frame\":")
        out.write(integer: u.frame)
        if let payload = u.payload {
            out.write(",\"payload\":")
            Self.writePayload(payload, to: &out)
        }
        if let line = u.followingLine {
            out.write(",\"next_line\":")
            Self.writeString(bytes: line, to: &out)
        }
        if let id = u.transaction {
            out.write(",\"transaction\":")
            out.write(integer: id)
        }
        if let id = u.duringTransaction {
            out.write(",\"during\":")
            out.write(integer: id)
        }
        if !u.isKnown { out.write(",\"known\":false") }
        writeChannel(u.channel, to: &out)
        if u.hasInferredDirection { out.write(",\"inferred\":true") }
        out.write(UInt8(ascii: "}"))
    }

    private mutating func write(_ d: DataRun, to out: inout ByteWriter) {
        out.write("{\"type\":\"data\",\"dir\":\"")
        out.write(d.direction.name)
        out.write("\",\"time\":")
        writeTime(d.time, to: &out)
        writeRel(d.time, to: &out)
        out.write(",\"frame\":")
        out.write(integer: d.firstFrame)
        out.write(",\"payload\":")
        Self.writePayload(d.payload, to: &out)
        out.write(",\"end\":")
        writeTime(d.endTime, to: &out)
        out.write(",\"frames\":[")
        out.write(integer: d.firstFrame)
        out.write(UInt8(ascii: ","))
        out.write(integer: d.lastFrame)
        out.write(UInt8(ascii: "]"))
        writeChannel(d.channel, to: &out)
        if d.hasInferredDirection { out.write(",\"inferred\":true") }
        out.write(UInt8(ascii: "}"))
    }

    private mutating func write(_ m: ModeSwitch, to out: inout ByteWriter) {
        out.write("{\"type\":\"mode\",\"mode\":\"")
        out.write(m.mode.rawValue)
        out.write("\",\"reason\":")
        Self.writeString(bytes: m.reason.rawValue.utf8, to: &out)
        out.write(",\"time\":")
        writeTime(m.time, to: &out)
        writeRel(m.time, to: &out)
        out.write(",\"frame\":")
        out.write(integer: m.frame)
        if let text = m.text {
            out.write(",\"text\":")
            Self.writeString(bytes: text, to: &out)
        }
        if let final = m.final {
            out.write(",\"final\":")
            Self.writeString(bytes: final, to: &out)
        }
        if let id = m.transaction {
            out.write(",\"transaction\":")
            out.write(integer: id)
        }
        if let guardTimes = m.escapeGuard {
            out.write(",\"guard\":{\"before_ms\":")
            if let before = guardTimes.silenceBefore {
                out.write(fixedPoint: before.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
            } else {
                out.write("null")
            }
            out.write(",\"spread_ms\":")
            out.write(fixedPoint: guardTimes.spread.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
            out.write(",\"after_ms\":")
            out.write(fixedPoint: guardTimes.silenceAfter.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
            out.write(",\"respected\":")
            out.write(guardTimes.isRespected() ? "true" : "false")
            out.write(UInt8(ascii: "}"))
        }
        writeChannel(m.channel, to: &out)
        out.write(UInt8(ascii: "}"))
    }

    private mutating func write(_ e: RecorderEvent, to out: inout ByteWriter) {
        out.write("{\"type\":\"event\",\"event\":")
        Self.writeString(bytes: e.name.utf8, to: &out)
        out.write(",\"time\":")
        writeTime(e.time, to: &out)
        writeRel(e.time, to: &out)
        out.write(",\"frame\":")
        out.write(integer: e.frame)
        for field in e.fields where !["type", "event", "time", "rel", "frame"].contains(field.key) {
            out.write(UInt8(ascii: ","))
            Self.writeString(bytes: field.key.utf8, to: &out)
            out.write(UInt8(ascii: ":"))
            var bytes: [UInt8] = []
            field.value.write(to: &bytes)
            out.write(bytes: bytes)
        }
        writeChannel(e.channel, to: &out)
        out.write(UInt8(ascii: "}"))
    }

    private mutating func write(_ d: Diagnostic, to out: inout ByteWriter) {
        out.write("{\"type\":\"diagnostic\",\"code\":")
        Self.writeString(bytes: d.code.rawValue.utf8, to: &out)
        out.write(",\"message\":")
        Self.writeString(bytes: d.message.utf8, to: &out, isUTF8: true)
        out.write(",\"time\":")
        if let time = d.time { writeTime(time, to: &out) } else { out.write("null") }
        if let time = d.time { writeRel(time, to: &out) }
        out.write(",\"frame\":")
        out.write(integer: d.frame)
        if let direction = d.direction {
            out.write(",\"dir\":\"")
            out.write(direction.name)
            out.write(UInt8(ascii: "\""))
        }
        if !d.bytes.isEmpty {
            out.write(",\"bytes\":{\"length\":")
            out.write(integer: d.bytes.count)
            out.write(",\"base64\":\"")
            Base64.encode(d.bytes, into: &out)
            out.write("\"}")
        }
        writeChannel(d.channel, to: &out)
        out.write(UInt8(ascii: "}"))
    }

    // MARK: - Values

    /// `{"type":"cmux","event":"start"|"frame"|"end",…}` (Docs/CLI.md).
    private mutating func write(_ m: MultiplexerRecord, to out: inout ByteWriter) {
        out.write("{\"type\":\"cmux\",\"event\":")
        switch m.kind {
        case .started(let transaction):
            out.write("\"start\",\"transaction\":")
            out.write(integer: transaction)
        case .frame(let frame):
            out.write("\"frame\",\"dir\":\"")
            out.write(m.direction?.name ?? "unknown")
            out.write("\",\"dlci\":")
            out.write(integer: Int(frame.dlci))
            out.write(",\"frame_type\":")
            Self.writeString(bytes: frame.type.name.utf8, to: &out)
            out.write(",\"poll_final\":")
            out.write(frame.pollFinal ? "true" : "false")
            out.write(",\"text\":")
            Self.writeString(bytes: frame.summary.utf8, to: &out, isUTF8: true)
            if !frame.messages.isEmpty {
                out.write(",\"messages\":[")
                for (index, message) in frame.messages.enumerated() {
                    if index > 0 { out.write(UInt8(ascii: ",")) }
                    Self.writeString(bytes: message.summary.utf8, to: &out, isUTF8: true)
                }
                out.write(UInt8(ascii: "]"))
            }
            if !frame.information.isEmpty {
                out.write(",\"information\":")
                Self.writePayload(Payload(bytes: frame.information, declaredLength: nil, time: m.time, endTime: m.time,
                                          end: .count), to: &out)
            }
        case .ended(let ending):
            out.write("\"end\",\"reason\":")
            Self.writeString(bytes: ending.reason.rawValue.utf8, to: &out)
            out.write(",\"data_frames\":{\"host\":")
            out.write(integer: ending.hostDataFrames)
            out.write(",\"modem\":")
            out.write(integer: ending.modemDataFrames)
            out.write("},\"dlcis\":[")
            for (index, dlci) in ending.dataChannels.enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                out.write(integer: Int(dlci))
            }
            out.write(UInt8(ascii: "]"))
        }
        out.write(",\"time\":")
        writeTime(m.time, to: &out)
        writeRel(m.time, to: &out)
        out.write(",\"frame\":")
        out.write(integer: m.frame)
        writeChannel(m.channel, to: &out)
        out.write(UInt8(ascii: "}"))
    }

    private mutating func writeTime(_ time: Timestamp, to out: inout ByteWriter) {
        out.writeQuoted(time: time, cache: &dates)
    }

    private func writeRel(_ time: Timestamp, to out: inout ByteWriter) {
        guard let origin else { return }
        out.write(",\"rel\":")
        out.write(seconds: time.nanoseconds - origin.nanoseconds)
    }

    private func writeChannel(_ channel: UInt32, to out: inout ByteWriter) {
        guard channel != 0 else { return }
        out.write(",\"channel\":")
        out.write(integer: Int(channel))
    }

    static func writePayload(_ payload: Payload, to out: inout ByteWriter) {
        out.write("{\"length\":")
        out.write(integer: payload.length)
        out.write(",\"base64\":\"")
        Base64.encode(payload.bytes, into: &out)
        out.write(UInt8(ascii: "\""))
        if let declared = payload.declaredLength, declared != payload.length {
            out.write(",\"declared\":")
            out.write(integer: declared)
        }
        switch payload.end {
        case .count, .delimiter:
            break
        case .ctrlZ, .escape, .short, .endOfInput:
            out.write(",\"end\":\"")
            out.write(payload.end.rawValue)
            out.write(UInt8(ascii: "\""))
        }
        if payload.isStorageTruncated { out.write(",\"stored\":\(payload.bytes.count)") }
        out.write(UInt8(ascii: "}"))
    }

    /// A JSON string from protocol bytes (Latin-1 mapping) or from UTF-8 text.
    static func writeString<C: Collection>(bytes: C, to out: inout ByteWriter, isUTF8: Bool = false) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ writeString(contiguous: $0, to: &out, isUTF8: isUTF8) }) == nil {
            Array(bytes).withUnsafeBufferPointer { writeString(contiguous: $0, to: &out, isUTF8: isUTF8) }
        }
    }

    /// Runs of bytes that need no escape (most of them) are copied in one piece.
    private static func writeString(contiguous bytes: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter, isUTF8: Bool) {
        out.write(UInt8(ascii: "\""))
        var plainStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let isPlain = byte >= 0x20 && byte < 0x7F ? byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                                                      : byte >= 0x80 && isUTF8
            if isPlain { continue }
            if plainStart < index { out.write(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<index])) }
            plainStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): out.write("\\\"")
            case UInt8(ascii: "\\"): out.write("\\\\")
            case 0x0A: out.write("\\n")
            case 0x0D: out.write("\\r")
            case 0x09: out.write("\\t")
            case 0..<0x20, 0x7F:
                out.write("\\u00")
                out.write(hex(byte >> 4))
                out.write(hex(byte & 0x0F))
            default:
                // 0x80–0xFF of protocol bytes: U+0080–U+00FF in UTF-8.
                out.write(0xC0 | (byte >> 6))
                out.write(0x80 | (byte & 0x3F))
            }
        }
        if plainStart < bytes.count { out.write(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart...])) }
        out.write(UInt8(ascii: "\""))
    }

    @inline(__always) static func hex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 + nibble : 87 + nibble
    }
}
