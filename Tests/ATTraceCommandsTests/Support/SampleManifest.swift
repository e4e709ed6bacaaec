import Foundation
import Testing

/// `Samples/TESTLIST`: one expected output per line, tcpdump style.
///
///     # output                          input                               arguments
///     ssl/g3-buffer-mode.decode.txt     captures/ssl/g3-buffer-mode.pcap    decode
///     ssl/g3-buffer-mode.decode.jsonl   captures/ssl/g3-buffer-mode.pcap    decode --format json
///
/// The test runs `attrace <first argument> <input> <other arguments>` in `Samples/` and
/// compares standard output with `Samples/expected/<output>`. An input of `(none)` passes no
/// input (for `--help` snapshots); an `exit=N` argument is the expected exit code (default 0)
/// and is not passed on.
struct SampleManifest {
    struct Entry: CustomTestStringConvertible, Sendable {
        var output: String
        var input: String?
        var arguments: [String]
        var exitCode: Int32
        var line: Int

        var testDescription: String { output }

        /// The command line, as a user would type it in `Samples/`.
        var commandLine: [String] {
            guard let first = arguments.first else { return input.map { [$0] } ?? [] }
            return [first] + (input.map { [$0] } ?? []) + arguments.dropFirst()
        }
    }

    static let path = Repository.samples.appendingPathComponent("TESTLIST")

    static func load() -> [Entry] {
        guard let text = try? String(contentsOf: path, encoding: .utf8) else { return [] }
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 3 else { continue }
            var arguments: [String] = []
            var exitCode: Int32 = 0
            for field in fields.dropFirst(2) {
                if field.hasPrefix("exit="), let code = Int32(field.dropFirst(5)) {
                    exitCode = code
                } else {
                    arguments.append(field)
                }
            }
            entries.append(Entry(output: fields[0], input: fields[1] == "(none)" ? nil : fields[1],
                                 arguments: arguments, exitCode: exitCode, line: index + 1))
        }
        return entries
    }
}
