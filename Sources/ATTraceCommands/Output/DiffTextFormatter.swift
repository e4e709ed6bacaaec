import ATTraceAnalysis
import ATTraceCore

/// Writes a comparison for people (Docs/Diff.md "Text output"): one header line per aligned
/// pair or unmatched command, then one indented line per difference, A → B; a summary at
/// the end. Control bytes are escaped; colors only on a terminal or with `--color always`.
///
///     A #8    B #8     AT+QSSLSEND=4
///             final      SEND OK → SEND FAIL
///     A #7    B -      AT+QSSLSTATE → OK   only in A
struct DiffTextFormatter {
    let nameA: String
    let nameB: String
    let useColor: Bool

    /// Detail lines start here; the kind label takes the first 11 columns.
    private static let indent = "         "
    private static let labelWidth = 11
    /// Hex digits of a SHA-256 shown in text (JSON gives all 64).
    private static let digestDigits = 16

    init(nameA: String, nameB: String, useColor: Bool) {
        self.nameA = nameA
        self.nameB = nameB
        self.useColor = useColor
    }

    // MARK: - Styles (ANSI)

    private enum Style: String {
        case bold = "\u{1B}[1m"
        case dim = "\u{1B}[2m"
        case red = "\u{1B}[31m"
        case green = "\u{1B}[32m"
        case yellow = "\u{1B}[33m"
    }

    private func begin(_ style: Style, _ out: inout ByteWriter) {
        if useColor { out.write(style.rawValue) }
    }

    private func end(_ out: inout ByteWriter) {
        if useColor { out.write("\u{1B}[0m") }
    }

    private func styled(_ text: String, _ style: Style, _ out: inout ByteWriter) {
        begin(style, &out)
        out.write(text)
        end(&out)
    }

    // MARK: - Output

    func writeHeader(to out: inout ByteWriter) {
        begin(.bold, &out)
        out.write("attrace diff")
        end(&out)
        out.write("   A → B\n  A  " + nameA + "\n  B  " + nameB + "\n")
    }

    func write(_ entry: ComparisonEntry, to out: inout ByteWriter) {
        out.write(UInt8(ascii: "\n"))
        writeEntryHeader(entry, to: &out)
        for difference in entry.differences {
            writeDetail(difference, entry: entry, to: &out)
        }
        out.flushIfNeeded()
    }

    private func writeEntryHeader(_ entry: ComparisonEntry, to out: inout ByteWriter) {
        let channel = entry.channel != 0 ? "ch \(entry.channel)  " : ""
        guard entry.a != nil || entry.b != nil else {
            let isPreamble = entry.differences.contains { $0.kind == .urcs }
            begin(.bold, &out)
            out.write(channel + (isPreamble ? "before the first command" : "whole capture"))
            end(&out)
            out.write(UInt8(ascii: "\n"))
            return
        }
        out.write(channel)
        writeReference("A", entry.a, to: &out)
        writeReference("B", entry.b, to: &out)
        let shown = entry.a ?? entry.b!
        begin(.bold, &out)
        TextTimelineFormatter.writeEscaped(shown.commandLine, to: &out)
        end(&out)
        if entry.a == nil || entry.b == nil {
            out.write(" → ")
            writeFinal(shown, to: &out)
            out.write("   ")
            if entry.a == nil { styled("only in B", .green, &out) } else { styled("only in A", .red, &out) }
        }
        out.write(UInt8(ascii: "\n"))
    }

    /// `A #12   ` in a fixed width, or `A -     ` for a missing side.
    private func writeReference(_ label: String, _ transaction: Transaction?, to out: inout ByteWriter) {
        begin(.dim, &out)
        let visibleStart = out.count
        out.write(label + " ")
        if let transaction {
            out.write(UInt8(ascii: "#"))
            out.write(integer: transaction.id)
        } else {
            out.write("-")
        }
        let width = out.count - visibleStart
        end(&out)
        for _ in width..<Swift.max(width + 2, 8) { out.write(UInt8(ascii: " ")) }
    }

    private func writeLabel(_ text: String, to out: inout ByteWriter) {
        out.write(Self.indent)
        begin(.yellow, &out)
        out.write(text)
        end(&out)
        for _ in text.count..<Self.labelWidth { out.write(UInt8(ascii: " ")) }
    }

    private func writeDetail(_ difference: Difference, entry: ComparisonEntry, to out: inout ByteWriter) {
        switch difference {
        case .onlyIn:
            break  // said in the header line
        case .command:
            writeLabel("command", to: &out)
            out.write("B: ")
            TextTimelineFormatter.writeEscaped(entry.b?.commandLine ?? [], to: &out)
            out.write(UInt8(ascii: "\n"))
        case .order:
            writeLabel("order", to: &out)
            out.write("moved: the commands around it are in another order\n")
        case .final:
            writeLabel("final", to: &out)
            if let a = entry.a { writeFinal(a, to: &out, withStatus: entry.a?.status != entry.b?.status) }
            out.write(" → ")
            if let b = entry.b { writeFinal(b, to: &out, withStatus: entry.a?.status != entry.b?.status) }
            out.write(UInt8(ascii: "\n"))
        case .responses(let changes):
            for (index, change) in changes.enumerated() {
                if index == 0 { writeLabel("responses", to: &out) } else { out.write(Self.indent + String(repeating: " ", count: Self.labelWidth)) }
                begin(change.side == .a ? .red : .green, &out)
                out.write(change.side == .a ? "A " : "B ")
                TextTimelineFormatter.writeEscaped(change.text, to: &out)
                end(&out)
                out.write(UInt8(ascii: "\n"))
            }
        case .payload(let direction, let a, let b):
            writeLabel(direction.rawValue, to: &out)
            writePayload("A", a, payload: direction == .tx ? entry.a?.tx : entry.a?.rx, to: &out)
            out.write(Self.indent + String(repeating: " ", count: Self.labelWidth))
            writePayload("B", b, payload: direction == .tx ? entry.b?.tx : entry.b?.rx, to: &out)
        case .latency(let a, let b):
            writeLabel("latency", to: &out)
            TextTimelineFormatter.writeMilliseconds(a, to: &out)
            out.write(" → ")
            TextTimelineFormatter.writeMilliseconds(b, to: &out)
            let change = Duration(nanoseconds: b.nanoseconds - a.nanoseconds)
            out.write("   (")
            if change.nanoseconds >= 0 { out.write("+") }
            TextTimelineFormatter.writeMilliseconds(change, to: &out)
            if a.nanoseconds > 0 {
                let percent = (Double(change.nanoseconds) * 100 / Double(a.nanoseconds)).rounded()
                out.write(", " + (percent >= 0 ? "+" : "") + String(Int64(percent)) + " %")
            }
            out.write(")\n")
        case .urcs(let counts):
            for (index, count) in counts.enumerated() {
                if index == 0 { writeLabel("urcs", to: &out) } else { out.write(Self.indent + String(repeating: " ", count: Self.labelWidth)) }
                TextTimelineFormatter.writeEscaped(count.urc, to: &out)
                out.write("   ")
                out.write(integer: count.a)
                out.write(" → ")
                out.write(integer: count.b)
                out.write(UInt8(ascii: "\n"))
            }
        case .finding(let finding):
            writeLabel("finding", to: &out)
            if finding.a == 0 || finding.b == 0 {
                styled(finding.a == 0 ? "only in B" : "only in A", finding.a == 0 ? .green : .red, &out)
            } else {
                out.write(String(finding.a) + " → " + String(finding.b))
            }
            out.write(": " + finding.rule.rawValue + " (" + finding.example.severity.rawValue + ")")
            let count = max(finding.a, finding.b)
            if count > 1 && (finding.a == 0 || finding.b == 0) { out.write(" ×" + String(count)) }
            if entry.a == nil && entry.b == nil, let id = finding.example.transaction {
                out.write(" at " + (finding.side == .a ? "A" : "B") + " #" + String(id))
            }
            out.write(" — ")
            TextTimelineFormatter.writeEscaped(Array(finding.example.message.utf8), to: &out, keepUTF8: true)
            out.write(UInt8(ascii: "\n"))
        }
    }

    private func writeFinal(_ t: Transaction, to out: inout ByteWriter, withStatus: Bool = false) {
        guard let final = t.final else {
            styled(t.status == .cancelled ? "cancelled" : "no answer", .red, &out)
            return
        }
        TextTimelineFormatter.writeEscaped(final.line, to: &out)
        if t.status == .error, let meaning = ErrorMeaning.describe(final) { out.write(" (" + meaning + ")") }
        if withStatus && t.status != .error && t.status != .ok { out.write(" [" + t.status.rawValue + "]") }
    }

    private func writePayload(_ label: String, _ digest: Difference.PayloadDigest?, payload: Payload?, to out: inout ByteWriter) {
        out.write(label + "  ")
        guard let digest, let payload else {
            out.write("none\n")
            return
        }
        out.write(integer: digest.length)
        out.write(" B")
        guard digest.length > 0 else {
            out.write(UInt8(ascii: "\n"))
            return
        }
        out.write("  sha256 ")
        for byte in digest.sha256.prefix(Self.digestDigits / 2) {
            out.write(JSONLinesFormatter.hex(byte >> 4))
            out.write(JSONLinesFormatter.hex(byte & 0x0F))
        }
        out.write("…")
        if digest.isPartial { out.write(" (first \(digest.stored) B)") }
        if payload.length > 0 {
            out.write("  ")
            TextTimelineFormatter.writePreview(payload.bytes[...], to: &out)
        }
        out.write(UInt8(ascii: "\n"))
    }

    func writeSummary(_ summary: ComparisonSummary, to out: inout ByteWriter) {
        out.write(UInt8(ascii: "\n"))
        for side in ComparisonSide.allCases {
            let transactions = side == .a ? summary.transactionsA : summary.transactionsB
            let urcs = side == .a ? summary.urcsA : summary.urcsB
            let findings = side == .a ? summary.findingsA : summary.findingsB
            let duration = side == .a ? summary.durationA : summary.durationB
            out.write(side == .a ? "A: " : "B: ")
            out.write(Self.plural(transactions, "transaction") + ", " + Self.plural(urcs, "URC") + ", "
                      + Self.plural(findings, "finding") + ", " + TextTimelineFormatter.seconds(duration) + "\n")
        }
        out.write(String(summary.aligned) + " aligned (" + String(summary.identical) + " identical), "
                  + String(summary.count(.onlyInA)) + " only in A, " + String(summary.count(.onlyInB)) + " only in B\n")
        begin(.bold, &out)
        if summary.hasDifferences {
            let parts = DifferenceKind.allCases.filter { summary.count($0) > 0 && $0 != .onlyInA && $0 != .onlyInB }
                .map { $0.rawValue + " " + String(summary.count($0)) }
            out.write(Self.plural(summary.total, "difference"))
            if !parts.isEmpty { out.write(": " + parts.joined(separator: ", ")) }
        } else {
            out.write("no differences")
        }
        end(&out)
        out.write(UInt8(ascii: "\n"))
        out.flushIfNeeded()
    }

    private static func plural(_ count: Int, _ word: String) -> String {
        "\(count) \(word)\(count == 1 ? "" : "s")"
    }
}
