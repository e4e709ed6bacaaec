import ATTraceCore

/// Writes decoded records as a readable timeline: one line per transaction, URC, data run,
/// mode switch, event or diagnostic, with indented detail lines (responses, payloads).
/// The layout is documented in Docs/CLI.md; control bytes are always escaped.
///
///          TIME  FRAME  WHAT
///     1.800000     3  URC  +QSSLOPEN: 4,0   answers #1
///     3.000000     6  #3   AT+QSSLSEND=4 → SEND OK   50.0 ms
///                          > tx 18 B "Test data from SSL" ⏎^Z
struct TextTimelineFormatter {
    enum TimeStyle: String, CaseIterable, Sendable {
        case relative
        case absolute
        case delta
    }

    var origin: Timestamp?
    private var dates = DateCache()
    var timeStyle: TimeStyle
    var useColor: Bool
    var showHex: Bool
    private var previousTime: Timestamp?
    /// Scratch space for ordering a transaction's detail lines, kept between records.
    private var detailOrder: [(time: Timestamp, rank: Int)] = []

    init(timeStyle: TimeStyle, useColor: Bool, showHex: Bool) {
        self.timeStyle = timeStyle
        self.useColor = useColor
        self.showHex = showHex
    }

    // MARK: - Colors (ANSI; only on a terminal or with --color always)

    private enum Style: String {
        case dim = "\u{1B}[2m"
        case bold = "\u{1B}[1m"
        case green = "\u{1B}[32m"
        case red = "\u{1B}[31m"
        case yellow = "\u{1B}[33m"
        case cyan = "\u{1B}[36m"
        case blue = "\u{1B}[34m"
        case magenta = "\u{1B}[35m"
    }

    private func styled(_ text: String, _ style: Style, to out: inout ByteWriter) {
        if useColor { out.write(style.rawValue) }
        out.write(text)
        if useColor { out.write("\u{1B}[0m") }
    }

    @inline(__always) private func begin(_ style: Style, _ out: inout ByteWriter) {
        if useColor { out.write(style.rawValue) }
    }

    @inline(__always) private func end(_ out: inout ByteWriter) {
        if useColor { out.write("\u{1B}[0m") }
    }

    // MARK: - Records

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
        out.flushIfNeeded()
    }

    /// The time and record columns; records of channels other than 0 (more ttys, CMUX
    /// DLCIs) also show their channel, `[2]`.
    private mutating func prefix(_ time: Timestamp?, frame: Int, channel: UInt32, to out: inout ByteWriter) {
        let width = timeStyle == .absolute ? 30 : 12
        begin(.dim, &out)
        let columnStart = out.count
        if let time {
            switch timeStyle {
            case .absolute:
                dates.append(time, to: &out)
            case .relative:
                out.write(fixedPoint: time.nanoseconds - (origin ?? time).nanoseconds, scale: 1_000_000_000,
                          decimals: 9, maximumDecimals: 6, trim: false)
            case .delta:
                out.write(UInt8(ascii: "+"))
                out.write(fixedPoint: time.nanoseconds - (previousTime ?? origin ?? time).nanoseconds,
                          scale: 1_000_000_000, decimals: 9, maximumDecimals: 6, trim: false)
            }
            previousTime = time
        } else {
            out.write(UInt8(ascii: "-"))
        }
        Self.padLeft(&out, from: columnStart, to: width)
        out.write("  ")
        let frameStart = out.count
        out.write(integer: frame)
        Self.padLeft(&out, from: frameStart, to: 6)
        end(&out)
        out.write("  ")
        if channel != 0 {
            out.write(UInt8(ascii: "["))
            out.write(integer: Int(channel))
            out.write("] ")
        }
    }

    /// Right-aligns what was written since `start` in a field of `width` bytes: appends the
    /// padding, then moves the field behind it (a few bytes, not a generic insert).
    private static func padLeft(_ out: inout ByteWriter, from start: Int, to width: Int) {
        let written = out.count - start
        guard written < width else { return }
        let padding = width - written
        out.write(UInt8(ascii: " "), repeating: padding)
        out.withWrittenBytes { bytes in
            // The field moves right by the padding; the regions overlap (a memmove).
            let field = UnsafeMutableRawPointer(bytes.baseAddress! + start)
            (field + padding).copyMemory(from: field, byteCount: written)
            field.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: " "), count: padding)
        }
    }

    private var indent: StaticString {
        timeStyle == .absolute ? "                                             " : "                           "
    }

    private mutating func write(_ t: Transaction, to out: inout ByteWriter) {
        // Each property read of a transaction is a call into ATTraceCore and a copy: read
        // the ones used more than once a single time.
        let final = t.final
        let tx = t.tx
        let rx = t.rx
        prefix(t.start, frame: t.firstFrame, channel: t.channel, to: &out)
        begin(.dim, &out)
        let idStart = out.count
        out.write(UInt8(ascii: "#"))
        out.write(integer: t.id)
        let idLength = out.count - idStart
        end(&out)
        for _ in idLength..<Swift.max(idLength + 1, 5) { out.write(UInt8(ascii: " ")) }
        begin(.bold, &out)
        Self.writeEscaped(t.commandLine, to: &out)
        end(&out)
        out.write(" → ")
        switch t.status {
        case .ok:
            begin(.green, &out)
            Self.writeEscaped(final?.line ?? [], to: &out)
            end(&out)
        case .error:
            begin(.red, &out)
            Self.writeEscaped(final?.line ?? [], to: &out)
            if let meaning = final.flatMap(ErrorMeaning.describe) { out.write(" (" + meaning + ")") }
            end(&out)
        case .unanswered:
            styled("no answer", .red, to: &out)
        case .cancelled:
            styled("cancelled" + (final.map { " (" + ByteText.string($0.line) + ")" } ?? ""), .yellow, to: &out)
        }
        if let latency = t.latency {
            out.write("   ")
            Self.writeMilliseconds(latency, to: &out)
            if let maximum = t.maximumResponseTime, latency > maximum {
                begin(.red, &out)
                out.write(" > max ")
                Self.writeMilliseconds(maximum, to: &out)
                end(&out)
            }
        }
        if t.hasEcho || t.pipelinedAfter != nil || t.repeatedLine != nil || t.hasInferredDirection {
            var notes: [String] = []
            if t.hasEcho { notes.append("echo") }
            if let earlier = t.pipelinedAfter { notes.append("sent while #\(earlier) pending") }
            if let repeated = t.repeatedLine { notes.append("repeats " + Self.escaped(repeated)) }
            if t.hasInferredDirection { notes.append("direction inferred") }
            out.write("   ")
            styled("(" + notes.joined(separator: ", ") + ")", .dim, to: &out)
        }
        out.write(UInt8(ascii: "\n"))
        if tx == nil, let promptTime = t.promptTime {
            out.write(indent)
            out.write("> prompt at +" + Self.milliseconds(promptTime.since(t.commandEnd)) + "\n")
        }
        // Detail lines in the order they happened: a CONNECT line before the upload it
        // starts, a counted header before its data.
        let responses = t.responses
        if tx == nil && rx == nil {
            for line in responses { writeDetail(line.text, to: &out) }
            return
        }
        // Sorted by (time, rank): a response's rank is its index, the payloads rank after
        // all responses, tx before rx.
        let txRank = responses.count
        let rxRank = responses.count + 1
        detailOrder.removeAll(keepingCapacity: true)
        for (index, line) in responses.enumerated() { detailOrder.append((line.time, index)) }
        if let tx { detailOrder.append((tx.time, txRank)) }
        if let rx { detailOrder.append((rx.time, rxRank)) }
        detailOrder.sort { ($0.time, $0.rank) < ($1.time, $1.rank) }
        for entry in detailOrder {
            switch entry.rank {
            case txRank: writePayloadLine(label: "> tx", tx!, to: &out)
            case rxRank: writePayloadLine(label: "< rx", rx!, to: &out)
            default: writeDetail(responses[entry.rank].text, to: &out)
            }
        }
    }

    /// An indented detail line (a response, the line after a URC).
    private func writeDetail(_ text: [UInt8], to out: inout ByteWriter) {
        out.write(indent)
        Self.writeEscaped(text, to: &out)
        out.write(UInt8(ascii: "\n"))
    }

    private mutating func write(_ u: URCRecord, to out: inout ByteWriter) {
        prefix(u.time, frame: u.frame, channel: u.channel, to: &out)
        styled("URC  ", .yellow, to: &out)
        if useColor { out.write(Style.yellow.rawValue) }
        Self.writeEscaped(u.text, to: &out)
        if useColor { out.write("\u{1B}[0m") }
        var notes: [String] = []
        if let id = u.transaction { notes.append("result of #\(id)") }
        if let id = u.duringTransaction { notes.append("while #\(id) pending") }
        if !u.isKnown { notes.append("not in the catalog") }
        if u.hasInferredDirection { notes.append("direction inferred") }
        if !notes.isEmpty {
            out.write("   ")
            styled("(" + notes.joined(separator: ", ") + ")", .dim, to: &out)
        }
        out.write(UInt8(ascii: "\n"))
        if let line = u.followingLine {
            out.write(indent)
            Self.writeEscaped(line, to: &out)
            out.write(UInt8(ascii: "\n"))
        }
        if let payload = u.payload {
            writePayloadLine(label: "< rx", payload, to: &out)
        }
    }

    private mutating func write(_ d: DataRun, to out: inout ByteWriter) {
        prefix(d.time, frame: d.firstFrame, channel: d.channel, to: &out)
        styled("DATA ", .cyan, to: &out)
        out.write(d.direction == .host ? "host → modem " : "modem → host ")
        writePayloadSummary(d.payload, to: &out)
        if d.hasInferredDirection { styled("   (direction inferred)", .dim, to: &out) }
        out.write(UInt8(ascii: "\n"))
        if showHex { writeHexDump(d.payload.bytes, to: &out) }
    }

    private mutating func write(_ m: ModeSwitch, to out: inout ByteWriter) {
        prefix(m.time, frame: m.frame, channel: m.channel, to: &out)
        styled("MODE ", .blue, to: &out)
        switch m.mode {
        case .data:
            out.write("data mode")
            if let id = m.transaction { out.write(" (CONNECT of #\(id))") }
        case .command:
            out.write("command mode: ")
            switch m.reason {
            case .escape:
                out.write("+++ → " + ByteText.string(m.final ?? []))
                if let guardTimes = m.escapeGuard {
                    let before = guardTimes.silenceBefore.map(Self.seconds) ?? "-"
                    out.write("   (silence before " + before + ", spread " + Self.seconds(guardTimes.spread)
                              + ", answer after " + Self.seconds(guardTimes.silenceAfter) + ")")
                    if !guardTimes.isRespected() { styled(" guard times not respected", .red, to: &out) }
                }
            case .noCarrier:
                styled("NO CARRIER", .red, to: &out)
            case .dtr:
                out.write("DTR dropped → " + ByteText.string(m.final ?? []))
            case .connect:
                out.write("CONNECT")
            }
        }
        out.write(UInt8(ascii: "\n"))
    }

    private mutating func write(_ m: MultiplexerRecord, to out: inout ByteWriter) {
        prefix(m.time, frame: m.frame, channel: m.channel, to: &out)
        styled("CMUX ", .blue, to: &out)
        switch m.kind {
        case .started(let transaction):
            out.write("multiplexer started (AT+CMUX of #\(transaction)); DLCI n is shown as channel [n]")
        case .frame(let frame):
            out.write(m.direction == .host ? "host → modem " : "modem → host ")
            out.write(frame.summary)
        case .ended(let ending):
            out.write("multiplexer ended (\(ending.reason.rawValue)): \(ending.hostDataFrames) data frames from the host, "
                      + "\(ending.modemDataFrames) from the module")
            if !ending.dataChannels.isEmpty {
                out.write(" on DLCI " + ending.dataChannels.map { String($0) }.joined(separator: ", "))
            }
        }
        out.write(UInt8(ascii: "\n"))
    }

    private mutating func write(_ e: RecorderEvent, to out: inout ByteWriter) {
        prefix(e.time, frame: e.frame, channel: e.channel, to: &out)
        styled("EVENT ", .dim, to: &out)
        out.write(e.name)
        let fields = e.fields.filter { $0.key != "event" }
        if !fields.isEmpty {
            var bytes: [UInt8] = []
            JSONValue.object(fields).write(to: &bytes)
            out.write(UInt8(ascii: " "))
            Self.writeEscaped(bytes, to: &out)
        }
        out.write(UInt8(ascii: "\n"))
    }

    private mutating func write(_ d: Diagnostic, to out: inout ByteWriter) {
        prefix(d.time, frame: d.frame, channel: d.channel, to: &out)
        styled("DIAG ", .magenta, to: &out)
        styled(d.code.rawValue, .magenta, to: &out)
        out.write(": ")
        out.write(Self.escaped(Array(d.message.utf8), keepUTF8: true))
        if !d.bytes.isEmpty && !d.message.contains("'") {
            out.write(" ")
            out.write(Self.preview(d.bytes[...]))
        }
        out.write(UInt8(ascii: "\n"))
        if showHex && !d.bytes.isEmpty { writeHexDump(d.bytes, to: &out) }
    }

    // MARK: - Payloads

    private func writePayloadLine(label: StaticString, _ payload: Payload, to out: inout ByteWriter) {
        out.write(indent)
        out.write(label)
        out.write(UInt8(ascii: " "))
        writePayloadSummary(payload, to: &out)
        out.write(UInt8(ascii: "\n"))
        if showHex { writeHexDump(payload.bytes, to: &out) }
    }

    private func writePayloadSummary(_ payload: Payload, to out: inout ByteWriter) {
        out.write(integer: payload.length)
        out.write(" B")
        if payload.length > 0 {
            out.write(" ")
            Self.writePreview(payload.bytes[...], to: &out)
        }
        switch payload.end {
        case .ctrlZ: out.write(" ^Z")
        case .escape: styled(" ESC (cancelled)", .yellow, to: &out)
        case .short:
            if let declared = payload.declaredLength {
                styled(" (short: \(declared) announced)", .red, to: &out)
            } else {
                // A variable-length payload the module answered before any Ctrl+Z.
                styled(" (no Ctrl+Z before the answer)", .yellow, to: &out)
            }
        case .endOfInput: styled(" (input ended)", .red, to: &out)
        case .count, .delimiter: break
        }
        if payload.end != .short, let declared = payload.declaredLength, declared != payload.length {
            styled(" (\(declared) announced)", .red, to: &out)
        }
    }

    /// Writes ``preview(_:)`` straight into `out`.
    static func writePreview(_ bytes: ArraySlice<UInt8>, to out: inout ByteWriter) {
        bytes.withUnsafeBufferPointer { writePreview(contiguous: $0, to: &out) }
    }

    private static func writePreview(contiguous bytes: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        let limit = 48
        // A plain counting loop over the first 256 bytes, which the compiler vectorizes.
        let sampleCount = Swift.min(bytes.count, 256)
        var printable = 0
        for index in 0..<sampleCount {
            let byte = bytes[index]
            let isPrintable = byte &- 0x20 < 0x5F || byte == 0x0D || byte == 0x0A || byte == 0x09
            printable &+= isPrintable ? 1 : 0
        }
        if printable * 10 >= sampleCount * 9 {
            out.write(UInt8(ascii: "\""))
            writeEscaped(contiguous: UnsafeBufferPointer(rebasing: bytes.prefix(limit)), to: &out, keepUTF8: false)
            if bytes.count > limit { out.write("…") }
            out.write(UInt8(ascii: "\""))
            return
        }
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index > 0 { out.write(UInt8(ascii: " ")) }
            out.write(JSONLinesFormatter.hex(byte >> 4))
            out.write(JSONLinesFormatter.hex(byte & 0x0F))
        }
        if bytes.count > 16 { out.write(" …") }
    }

    /// A one-line preview: quoted text when the bytes are mostly printable, else hex.
    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let limit = 48
        let printable = bytes.prefix(256).filter { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0D || $0 == 0x0A || $0 == 0x09 }.count
        if printable * 10 >= Swift.min(bytes.count, 256) * 9 {
            let text = escaped(Array(bytes.prefix(limit)))
            return "\"" + text + (bytes.count > limit ? "…" : "") + "\""
        }
        let hex = bytes.prefix(16).map { byte -> String in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined(separator: " ")
        return hex + (bytes.count > 16 ? " …" : "")
    }

    private func writeHexDump(_ bytes: [UInt8], to out: inout ByteWriter) {
        var offset = 0
        while offset < bytes.count {
            let row = bytes[offset..<Swift.min(bytes.count, offset + 16)]
            out.write(indent)
            out.write("  ")
            var offsetText = String(offset, radix: 16)
            while offsetText.count < 4 { offsetText = "0" + offsetText }
            styled(offsetText, .dim, to: &out)
            out.write("  ")
            for (index, byte) in row.enumerated() {
                if index == 8 { out.write(UInt8(ascii: " ")) }
                out.write(JSONLinesFormatter.hex(byte >> 4))
                out.write(JSONLinesFormatter.hex(byte & 0x0F))
                out.write(UInt8(ascii: " "))
            }
            for index in row.count..<16 {
                if index == 8 { out.write(UInt8(ascii: " ")) }
                out.write("   ")
            }
            out.write(" |")
            for byte in row {
                out.write(byte >= 0x20 && byte < 0x7F ? byte : UInt8(ascii: "."))
            }
            out.write("|\n")
            offset += 16
        }
    }

    // MARK: - Text helpers

    /// Protocol bytes with control characters shown as `\r`, `\n`, `\xNN`.
    static func escaped(_ bytes: [UInt8], keepUTF8: Bool = false) -> String {
        var out = ByteWriter { _ in }
        writeEscaped(bytes, to: &out, keepUTF8: keepUTF8)
        return out.text
    }

    static func writeEscaped<C: Collection>(_ bytes: C, to out: inout ByteWriter, keepUTF8: Bool = false) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ writeEscaped(contiguous: $0, to: &out, keepUTF8: keepUTF8) }) == nil {
            Array(bytes).withUnsafeBufferPointer { writeEscaped(contiguous: $0, to: &out, keepUTF8: keepUTF8) }
        }
    }

    /// Runs of bytes shown as they are (most of them) are copied in one piece.
    private static func writeEscaped(contiguous bytes: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter,
                                     keepUTF8: Bool) {
        var plainStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let isPlain = byte >= 0x20 && byte < 0x7F ? keepUTF8 || byte != UInt8(ascii: "\\") : byte >= 0x80 && keepUTF8
            if isPlain { continue }
            if plainStart < index { out.write(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart..<index])) }
            plainStart = index + 1
            switch byte {
            case 0x0D: out.write("\\r")
            case 0x0A: out.write("\\n")
            case 0x09: out.write("\\t")
            case UInt8(ascii: "\\"): out.write("\\\\")
            default:
                out.write("\\x")
                out.write(JSONLinesFormatter.hex(byte >> 4))
                out.write(JSONLinesFormatter.hex(byte & 0x0F))
            }
        }
        if plainStart < bytes.count { out.write(bytes: UnsafeBufferPointer(rebasing: bytes[plainStart...])) }
    }

    static func writeMilliseconds(_ duration: Duration, to out: inout ByteWriter) {
        out.write(fixedPoint: duration.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 1, trim: false)
        out.write(" ms")
    }

    static func milliseconds(_ duration: Duration) -> String {
        var writer = ByteWriter { _ in }
        writer.write(fixedPoint: duration.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 1, trim: false)
        return writer.text + " ms"
    }

    static func seconds(_ duration: Duration) -> String {
        var writer = ByteWriter { _ in }
        writer.write(fixedPoint: duration.nanoseconds, scale: 1_000_000_000, decimals: 9, maximumDecimals: 2, trim: false)
        return writer.text + " s"
    }
}
