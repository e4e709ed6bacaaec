import ATTraceCore
import Foundation
@testable import ATTraceImport

/// Helpers shared by the importer tests.
enum Fixtures {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static func path(_ relative: String) -> String {
        root.appendingPathComponent("Samples/logs").appendingPathComponent(relative).path
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Every fixture log: `dialect/name.log`.
    static let all: [String] = {
        let directory = root.appendingPathComponent("Samples/logs").path
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".log") }.sorted()
    }()

    /// The `--pattern` the regex fixtures are written for.
    static let regexOptions = ImportOptions(pattern: #"^(?<time>\S+)\s\[(?<dir>TX|RX)\]\s(?<data>.*)$"#)

    static func options(for fixture: String) -> ImportOptions {
        fixture.hasPrefix("regex/") ? regexOptions : ImportOptions()
    }
}

extension FieldLogImporter {
    /// Imports a text with a given dialect (tests).
    static func records(_ text: String, _ dialect: LogDialect, options: ImportOptions = ImportOptions()) throws -> [CaptureRecord] {
        try importLog(text, dialect: dialect, options: options)
    }
}

extension Array where Element == CaptureRecord {
    var chunks: [TraceChunk] {
        compactMap { if case .chunk(let chunk) = $0 { chunk } else { nil } }
    }
    var diagnostics: [Diagnostic] {
        compactMap { if case .diagnostic(let diagnostic) = $0 { diagnostic } else { nil } }
    }
    var startEvent: RecorderEvent? {
        compactMap { if case .event(let event) = $0 { event } else { nil } }.first { $0.name == "start" }
    }
    /// The chunks as `> text` / `< text` / `? text` rows with escaped line ends.
    var rows: [String] {
        chunks.map { chunk in
            let marker = chunk.direction == .host ? ">" : chunk.direction == .modem ? "<" : "?"
            return marker + " " + chunk.text
        }
    }
    func decoded() -> [DecodedRecord] { ATStreamDecoder.decode(self) }
}

extension TraceChunk {
    /// The bytes with CR, LF and other controls escaped: `AT<CR>`, `<CR><LF>OK<CR><LF>`.
    var text: String {
        bytes.map { byte -> String in
            switch byte {
            case 0x0D: "<CR>"
            case 0x0A: "<LF>"
            case 0x1A: "<SUB>"
            case 0x20...0x7E: String(UnicodeScalar(byte))
            default: "<x" + String(byte, radix: 16) + ">"
            }
        }.joined()
    }
}

extension Array where Element == DecodedRecord {
    var transactions: [Transaction] {
        compactMap { if case .transaction(let transaction) = $0 { transaction } else { nil } }
    }
    var urcs: [URCRecord] {
        compactMap { if case .urc(let urc) = $0 { urc } else { nil } }
    }
    /// `AT+CSQ=OK`-style summary of the transactions, in id order.
    var summary: [String] {
        transactions.sorted { $0.id < $1.id }.map { transaction in
            let final = transaction.final.map { String(decoding: $0.line, as: UTF8.self) } ?? "none"
            return transaction.name + "=" + final
        }
    }
}
