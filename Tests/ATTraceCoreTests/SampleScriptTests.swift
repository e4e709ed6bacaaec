import ATTraceCore
import ATTraceSimulation
import Foundation
import Testing

/// The sample scripts under `Samples/scripts` (Samples/scripts/README.md): every one parses,
/// and each is decoded with a printed summary. The decoded output is not asserted here; the
/// `# expect:` paragraph of each script says what it should be.
///
/// Set `ATTRACE_SAMPLE_DUMP=1` to print every decoded record as well.
@Suite struct SampleScriptTests {
    /// `Samples/scripts`, found by walking up from this file to the package root.
    static let scriptsDirectory: URL? = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Samples/scripts")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    /// Paths relative to `Samples/scripts`, sorted.
    static let scriptPaths: [String] = {
        guard let root = scriptsDirectory,
              let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".trace") }.sorted()
    }()

    static func load(_ path: String) throws -> TraceScript {
        let url = scriptsDirectory!.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try TraceScript.parse(text, name: path)
    }

    @Test func thereAreAtLeast45Scripts() {
        #expect(Self.scriptsDirectory != nil)
        #expect(Self.scriptPaths.count >= 45)
    }

    @Test(arguments: scriptPaths)
    func scriptParses(path: String) throws {
        let script = try Self.load(path)
        #expect(!script.records.isEmpty)
        #expect(script.title != nil, "every sample has a @title")
        let text = try String(contentsOf: Self.scriptsDirectory!.appendingPathComponent(path), encoding: .utf8)
        #expect(text.contains("# expect"), "every sample has an expect paragraph")
        // Rendering is lossless for every sample.
        #expect(try TraceScript.parse(script.render(), name: path).records == script.records)
    }

    @Test func decodeSummary() throws {
        let dump = ProcessInfo.processInfo.environment["ATTRACE_SAMPLE_DUMP"] == "1"
        var lines = ["script | records | transactions (ok/error/unanswered/cancelled) | urcs | data | mode | events | diagnostics"]
        for path in Self.scriptPaths {
            let script = try Self.load(path)
            let decoded = ATStreamDecoder.decode(script.records)
            var counts = (transactions: 0, ok: 0, error: 0, unanswered: 0, cancelled: 0,
                          urcs: 0, data: 0, mode: 0, events: 0, diagnostics: 0)
            var diagnosticCodes: [String] = []
            for record in decoded {
                switch record {
                case .transaction(let transaction):
                    counts.transactions += 1
                    switch transaction.status {
                    case .ok: counts.ok += 1
                    case .error: counts.error += 1
                    case .unanswered: counts.unanswered += 1
                    case .cancelled: counts.cancelled += 1
                    }
                case .urc: counts.urcs += 1
                case .data: counts.data += 1
                case .mode: counts.mode += 1
                case .event, .multiplexer: counts.events += 1
                case .diagnostic(let diagnostic):
                    counts.diagnostics += 1
                    diagnosticCodes.append(diagnostic.code.rawValue)
                }
            }
            let codes = diagnosticCodes.isEmpty ? "" : " [" + diagnosticCodes.joined(separator: ",") + "]"
            lines.append("\(path) | \(script.records.count) | \(counts.transactions) (\(counts.ok)/\(counts.error)/\(counts.unanswered)/\(counts.cancelled)) | \(counts.urcs) | \(counts.data) | \(counts.mode) | \(counts.events) | \(counts.diagnostics)\(codes)")
            if dump {
                lines.append(contentsOf: decoded.map { "    " + Self.describe($0, start: script.start) })
            }
        }
        print(lines.joined(separator: "\n"))
    }

    // MARK: - Dump

    static func seconds(_ time: Timestamp?, start: Timestamp) -> String {
        guard let time else { return "-" }
        let milliseconds = time.since(start).nanoseconds / 1_000_000
        return "\(milliseconds / 1000).\(String(format: "%03d", milliseconds % 1000))"
    }

    static func text(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes.prefix(80) {
            switch byte {
            case 0x0D: out += "<CR>"
            case 0x0A: out += "<LF>"
            case 0x20..<0x7F: out.append(Character(Unicode.Scalar(byte)))
            default: out += String(format: "<x%02X>", byte)
            }
        }
        return bytes.count > 80 ? out + "…" : out
    }

    static func payload(_ payload: Payload?) -> String {
        guard let payload else { return "" }
        let declared = payload.declaredLength.map { "/\($0)" } ?? ""
        return " \(payload.length)\(declared)(\(payload.end.rawValue))"
    }

    static func describe(_ record: DecodedRecord, start: Timestamp) -> String {
        switch record {
        case .transaction(let t):
            var parts = ["T\(t.id)", seconds(t.start, start: start), "ch\(t.channel)", t.name, "'\(t.commandText)'",
                         t.status.rawValue, "final=\(t.final.map { text($0.line) } ?? "nil")"]
            if !t.responses.isEmpty { parts.append("resp=[\(t.responses.map { text($0.text) }.joined(separator: " | "))]") }
            if t.hasEcho { parts.append("echo") }
            if t.hasPrompt { parts.append("prompt") }
            if let tx = t.tx { parts.append("tx" + payload(tx)) }
            if let rx = t.rx { parts.append("rx" + payload(rx)) }
            if let after = t.pipelinedAfter { parts.append("pipelinedAfter=\(after)") }
            if let repeated = t.repeatedLine { parts.append("repeats='\(text(repeated))'") }
            if t.hasInferredDirection { parts.append("inferred") }
            parts.append("frames=\(t.firstFrame)-\(t.lastFrame) bytes=\(t.hostByteCount)/\(t.modemByteCount)")
            return parts.joined(separator: " ")
        case .urc(let u):
            var parts = ["U", seconds(u.time, start: start), "ch\(u.channel)", "'\(text(u.text))'"]
            if let following = u.followingLine { parts.append("next='\(text(following))'") }
            if let p = u.payload { parts.append("payload" + payload(p)) }
            if let id = u.transaction { parts.append("for=T\(id)") }
            if let id = u.duringTransaction { parts.append("during=T\(id)") }
            if !u.isKnown { parts.append("unknown") }
            if u.hasInferredDirection { parts.append("inferred") }
            return parts.joined(separator: " ")
        case .data(let d):
            return "D \(seconds(d.time, start: start)) ch\(d.channel) \(d.direction.name)\(payload(d.payload)) '\(text(d.payload.bytes))'"
        case .mode(let m):
            var parts = ["M", seconds(m.time, start: start), m.mode.rawValue, m.reason.rawValue]
            if let text = m.text { parts.append("text='\(Self.text(text))'") }
            if let final = m.final { parts.append("final='\(text(final))'") }
            if let escapeGuard = m.escapeGuard {
                parts.append("guard(before=\(escapeGuard.silenceBefore.map { String($0.seconds) } ?? "nil"), spread=\(escapeGuard.spread.seconds), after=\(escapeGuard.silenceAfter.seconds))")
            }
            return parts.joined(separator: " ")
        case .event(let e):
            return "E \(seconds(e.time, start: start)) \(e.name)"
        case .diagnostic(let d):
            return "X \(seconds(d.time, start: start)) \(d.code) '\(d.message)' bytes=\(d.bytes.count) '\(text(d.bytes))'"
        case .multiplexer(let m):
            return "C \(seconds(m.time, start: start)) ch\(m.channel) \(m.kind)"
        }
    }
}
