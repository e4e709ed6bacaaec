import ATTraceAnalysis
import ATTraceCore

/// Writes a comparison as JSON Lines (Docs/CLI.md "`diff --format json`"; Docs/Diff.md):
/// one `difference` object per difference, an `aligned` object per identical pair with
/// `--all`, and a `summary` as the last line. Byte strings as in `decode` (lossless).
struct DiffJSONFormatter {
    let nameA: String
    let nameB: String
    let options: ComparisonOptions
    private var originA: Timestamp?
    private var originB: Timestamp?
    private var dates = DateCache()

    init(nameA: String, nameB: String, options: ComparisonOptions) {
        self.nameA = nameA
        self.nameB = nameB
        self.options = options
    }

    mutating func setOrigin(_ origin: Timestamp?, for side: ComparisonSide) {
        switch side {
        case .a: if originA == nil { originA = origin }
        case .b: if originB == nil { originB = origin }
        }
    }

    mutating func write(_ entry: ComparisonEntry, to out: inout ByteWriter) {
        if entry.differences.isEmpty {
            out.write("{\"type\":\"aligned\"")
            writeSides(entry, to: &out)
            out.write(",\"match\":\"")
            out.write((entry.match ?? .exact).rawValue)
            out.write("\"}\n")
        }
        for difference in entry.differences {
            out.write("{\"type\":\"difference\",\"kind\":\"")
            out.write(difference.kind.rawValue)
            out.write(UInt8(ascii: "\""))
            writeSides(entry, to: &out)
            writeDetail(difference, entry: entry, to: &out)
            out.write("}\n")
        }
        out.flushIfNeeded()
    }

    /// `"a":{…},"b":{…}` (or `null`), `channel` when not 0, `scope` for capture-level entries.
    private mutating func writeSides(_ entry: ComparisonEntry, to out: inout ByteWriter) {
        out.write(",\"a\":")
        writeReference(entry.a, origin: originA, to: &out)
        out.write(",\"b\":")
        writeReference(entry.b, origin: originB, to: &out)
        if entry.channel != 0 {
            out.write(",\"channel\":")
            out.write(integer: Int(entry.channel))
        }
        if entry.a == nil && entry.b == nil {
            out.write(entry.differences.contains { $0.kind == .urcs } ? ",\"scope\":\"preamble\"" : ",\"scope\":\"capture\"")
        }
    }

    private mutating func writeReference(_ t: Transaction?, origin: Timestamp?, to out: inout ByteWriter) {
        guard let t else {
            out.write("null")
            return
        }
        out.write("{\"id\":")
        out.write(integer: t.id)
        out.write(",\"command\":")
        JSONLinesFormatter.writeString(bytes: t.commandLine, to: &out)
        out.write(",\"start\":")
        out.writeQuoted(time: t.start, cache: &dates)
        if let origin {
            out.write(",\"rel\":")
            out.write(seconds: t.start.nanoseconds - origin.nanoseconds)
        }
        out.write(",\"frame\":")
        out.write(integer: t.firstFrame)
        out.write(",\"final\":")
        if let final = t.final { JSONLinesFormatter.writeString(bytes: final.line, to: &out) } else { out.write("null") }
        out.write(",\"status\":\"")
        out.write(t.status.rawValue)
        out.write("\"}")
    }

    private mutating func writeDetail(_ difference: Difference, entry: ComparisonEntry, to out: inout ByteWriter) {
        switch difference {
        case .onlyIn, .command, .order, .final:
            break  // the references say it all
        case .responses(let changes):
            out.write(",\"changes\":[")
            for (index, change) in changes.enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                out.write("{\"side\":\"")
                out.write(change.side.rawValue)
                out.write("\",\"line\":")
                JSONLinesFormatter.writeString(bytes: change.text, to: &out)
                out.write(UInt8(ascii: "}"))
            }
            out.write(UInt8(ascii: "]"))
        case .payload(_, let a, let b):
            out.write(",\"payload\":{\"a\":")
            writeDigest(a, to: &out)
            out.write(",\"b\":")
            writeDigest(b, to: &out)
            out.write(UInt8(ascii: "}"))
        case .latency(let a, let b):
            out.write(",\"latency_ms\":{\"a\":")
            writeMilliseconds(a, to: &out)
            out.write(",\"b\":")
            writeMilliseconds(b, to: &out)
            out.write("},\"change_ms\":")
            writeMilliseconds(Duration(nanoseconds: b.nanoseconds - a.nanoseconds), to: &out)
        case .urcs(let counts):
            out.write(",\"urcs\":[")
            for (index, count) in counts.enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                out.write("{\"urc\":")
                JSONLinesFormatter.writeString(bytes: count.urc, to: &out)
                out.write(",\"a\":")
                out.write(integer: count.a)
                out.write(",\"b\":")
                out.write(integer: count.b)
                out.write(UInt8(ascii: "}"))
            }
            out.write(UInt8(ascii: "]"))
        case .finding(let finding):
            let example = finding.example
            out.write(",\"rule\":")
            JSONLinesFormatter.writeString(bytes: finding.rule.rawValue.utf8, to: &out)
            out.write(",\"severity\":\"")
            out.write(example.severity.rawValue)
            out.write("\",\"count\":{\"a\":")
            out.write(integer: finding.a)
            out.write(",\"b\":")
            out.write(integer: finding.b)
            out.write("},\"side\":\"")
            out.write(finding.side.rawValue)
            out.write("\",\"message\":")
            JSONLinesFormatter.writeString(bytes: example.message.utf8, to: &out, isUTF8: true)
            if entry.a == nil && entry.b == nil {
                // Capture-level: where the example is, in its own capture.
                out.write(",\"time\":")
                if let time = example.time { out.writeQuoted(time: time, cache: &dates) } else { out.write("null") }
                out.write(",\"frame\":")
                out.write(integer: example.frame)
                if let id = example.transaction {
                    out.write(",\"transaction\":")
                    out.write(integer: id)
                }
            }
        }
    }

    private func writeDigest(_ digest: Difference.PayloadDigest?, to out: inout ByteWriter) {
        guard let digest else {
            out.write("null")
            return
        }
        out.write("{\"length\":")
        out.write(integer: digest.length)
        out.write(",\"sha256\":\"")
        for byte in digest.sha256 {
            out.write(JSONLinesFormatter.hex(byte >> 4))
            out.write(JSONLinesFormatter.hex(byte & 0x0F))
        }
        out.write(UInt8(ascii: "\""))
        if digest.isPartial {
            out.write(",\"stored\":")
            out.write(integer: digest.stored)
        }
        switch digest.end {
        case .count, .delimiter:
            break
        case .ctrlZ, .escape, .short, .endOfInput:
            out.write(",\"end\":\"")
            out.write(digest.end.rawValue)
            out.write(UInt8(ascii: "\""))
        }
        out.write(UInt8(ascii: "}"))
    }

    private func writeMilliseconds(_ duration: Duration, to out: inout ByteWriter) {
        out.write(fixedPoint: duration.nanoseconds, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
    }

    func writeSummary(_ summary: ComparisonSummary, to out: inout ByteWriter) {
        out.write("{\"type\":\"summary\",\"a\":")
        JSONLinesFormatter.writeString(bytes: nameA.utf8, to: &out, isUTF8: true)
        out.write(",\"b\":")
        JSONLinesFormatter.writeString(bytes: nameB.utf8, to: &out, isUTF8: true)
        func pair(_ key: StaticString, _ a: Int, _ b: Int) {
            out.write(",\"")
            out.write(key)
            out.write("\":{\"a\":")
            out.write(integer: a)
            out.write(",\"b\":")
            out.write(integer: b)
            out.write(UInt8(ascii: "}"))
        }
        pair("transactions", summary.transactionsA, summary.transactionsB)
        pair("urcs", summary.urcsA, summary.urcsB)
        pair("findings", summary.findingsA, summary.findingsB)
        out.write(",\"duration_s\":{\"a\":")
        out.write(seconds: summary.durationA.nanoseconds)
        out.write(",\"b\":")
        out.write(seconds: summary.durationB.nanoseconds)
        out.write("},\"aligned\":")
        out.write(integer: summary.aligned)
        out.write(",\"identical\":")
        out.write(integer: summary.identical)
        out.write(",\"differences\":{")
        for (index, kind) in DifferenceKind.allCases.enumerated() {
            if index > 0 { out.write(UInt8(ascii: ",")) }
            out.write(UInt8(ascii: "\""))
            out.write(kind.rawValue)
            out.write("\":")
            out.write(integer: summary.count(kind))
        }
        out.write("},\"total\":")
        out.write(integer: summary.total)
        out.write(",\"latency_threshold\":")
        JSONLinesFormatter.writeString(bytes: options.latencyThreshold.description.utf8, to: &out)
        out.write(",\"window\":")
        out.write(integer: options.window)
        if !options.ignoredKinds.isEmpty {
            out.write(",\"ignored\":[")
            for (index, kind) in options.ignoredKinds.sorted().enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                out.write(UInt8(ascii: "\""))
                out.write(kind.rawValue)
                out.write(UInt8(ascii: "\""))
            }
            out.write(UInt8(ascii: "]"))
        }
        out.write("}\n")
        out.flushIfNeeded()
    }
}
