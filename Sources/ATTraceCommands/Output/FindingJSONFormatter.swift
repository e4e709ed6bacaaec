import ATTraceAnalysis
import ATTraceCore

/// Writes findings and summaries as JSON Lines, exactly as product.md §2.2 specifies.
struct FindingJSONFormatter {
    var origin: Timestamp?
    var inputName: String?

    func write(_ finding: Finding, to out: inout ByteWriter) {
        out.write("{\"type\":\"finding\",\"rule\":")
        JSONLinesFormatter.writeString(bytes: finding.rule.rawValue.utf8, to: &out)
        out.write(",\"severity\":\"")
        out.write(finding.severity.rawValue)
        out.write("\",\"time\":")
        if let time = finding.time {
            var text: [UInt8] = []
            time.appendISO8601(to: &text)
            out.write(UInt8(ascii: "\""))
            out.write(bytes: text)
            out.write(UInt8(ascii: "\""))
            if let origin {
                out.write(",\"rel\":")
                out.write(seconds: time.nanoseconds - origin.nanoseconds)
            }
        } else {
            out.write("null")
        }
        out.write(",\"frame\":")
        out.write(integer: finding.frame)
        out.write(",\"message\":")
        JSONLinesFormatter.writeString(bytes: finding.message.utf8, to: &out, isUTF8: true)
        if let id = finding.transaction {
            out.write(",\"transaction\":")
            out.write(integer: id)
        }
        if let client = finding.client {
            out.write(",\"client\":")
            out.write(integer: client)
        }
        if let context = finding.context {
            out.write(",\"context\":")
            out.write(integer: context)
        }
        if let command = finding.commandLine {
            out.write(",\"command\":")
            JSONLinesFormatter.writeString(bytes: command, to: &out)
        }
        if finding.channel != 0 {
            out.write(",\"channel\":")
            out.write(integer: Int(finding.channel))
        }
        if let inputName {
            out.write(",\"input\":")
            JSONLinesFormatter.writeString(bytes: inputName.utf8, to: &out, isUTF8: true)
        }
        out.write("}\n")
        out.flushIfNeeded()
    }

    func writeSummary(_ summary: AnalysisSummary, to out: inout ByteWriter) {
        out.write("{\"type\":\"summary\",\"input\":")
        if let input = summary.input {
            JSONLinesFormatter.writeString(bytes: input.utf8, to: &out, isUTF8: true)
        } else {
            out.write("null")
        }
        if summary.inputCount > 1 {
            out.write(",\"inputs\":")
            out.write(integer: summary.inputCount)
        }
        out.write(",\"transactions\":")
        out.write(integer: summary.transactions)
        out.write(",\"urcs\":")
        out.write(integer: summary.urcs)
        out.write(",\"findings\":{\"error\":")
        out.write(integer: summary.counts[.error] ?? 0)
        out.write(",\"warning\":")
        out.write(integer: summary.counts[.warning] ?? 0)
        out.write(",\"info\":")
        out.write(integer: summary.counts[.info] ?? 0)
        out.write("},\"duration_s\":")
        out.write(seconds: summary.duration.nanoseconds)
        out.write(",\"records\":")
        out.write(integer: summary.records)
        out.write(",\"rules\":{")
        for (index, entry) in summary.rules.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.write(UInt8(ascii: ",")) }
            JSONLinesFormatter.writeString(bytes: entry.key.rawValue.utf8, to: &out)
            out.write(UInt8(ascii: ":"))
            out.write(integer: entry.value)
        }
        out.write("}")
        if !summary.unreadable.isEmpty {
            out.write(",\"unreadable\":[")
            for (index, name) in summary.unreadable.enumerated() {
                if index > 0 { out.write(UInt8(ascii: ",")) }
                JSONLinesFormatter.writeString(bytes: name.utf8, to: &out, isUTF8: true)
            }
            out.write("]")
        }
        out.write("}\n")
        out.flushIfNeeded()
    }
}

/// The numbers of one input's analysis, or of several combined.
struct AnalysisSummary {
    var input: String?
    var inputCount = 1
    var records = 0
    var transactions = 0
    var urcs = 0
    var duration = Duration.zero
    var counts: [Severity: Int] = [:]
    var rules: [FindingID: Int] = [:]
    var unreadable: [String] = []

    mutating func count(_ finding: Finding) {
        counts[finding.severity, default: 0] += 1
        rules[finding.rule, default: 0] += 1
    }

    mutating func add(_ other: AnalysisSummary) {
        records += other.records
        transactions += other.transactions
        urcs += other.urcs
        duration = duration + other.duration
        for (severity, count) in other.counts { counts[severity, default: 0] += count }
        for (rule, count) in other.rules { rules[rule, default: 0] += count }
    }

    func hasFindings(atOrAbove threshold: Severity) -> Bool {
        counts.contains(where: { $0.key >= threshold && $0.value > 0 })
    }
}
