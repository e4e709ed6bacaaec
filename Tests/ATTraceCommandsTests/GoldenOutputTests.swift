import Foundation
import Testing

/// End-to-end golden tests driven by `Samples/TESTLIST`: the real executable on the real
/// sample captures. `UPDATE_GOLDENS=1 swift test` rewrites the expected outputs.
@Suite(.serialized) struct GoldenOutputTests {
    static let entries = SampleManifest.load()

    @Test func manifestIsNotEmpty() {
        #expect(Self.entries.count >= 100, "Samples/TESTLIST has \(Self.entries.count) entries")
    }

    @Test(arguments: entries)
    func outputMatchesGolden(entry: SampleManifest.Entry) throws {
        let result = try AttraceProcess.run(entry.commandLine)
        #expect(result.exitCode == entry.exitCode,
                "attrace \(entry.commandLine.joined(separator: " ")) exited \(result.exitCode): \(result.standardError)")
        let expectedURL = Repository.samples.appendingPathComponent("expected").appendingPathComponent(entry.output)
        let actual = entry.output.contains(".stderr") ? Data(result.standardError.utf8) : result.standardOutput
        if Repository.isUpdatingGoldens {
            try FileManager.default.createDirectory(at: expectedURL.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try actual.write(to: expectedURL)
            return
        }
        let expected = try Data(contentsOf: expectedURL)
        if expected != actual {
            let diff = Self.firstDifference(String(decoding: expected, as: UTF8.self), String(decoding: actual, as: UTF8.self))
            Issue.record("Samples/expected/\(entry.output) differs (TESTLIST line \(entry.line)): \(diff)")
        }
    }

    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<none>"
            let right = index < b.count ? String(b[index]) : "<none>"
            if left != right {
                return "line \(index + 1):\n  expected: \(left)\n  actual:   \(right)"
            }
        }
        return "same lines, different bytes"
    }
}
