import Foundation
import Testing
import ATTraceCore
import ATTraceIO
import ATTraceSimulation

/// Every sample capture in `Samples/captures/` is generated from its trace script in
/// `Samples/scripts/` (the project's generator); the committed capture must match it.
/// `UPDATE_GOLDENS=1 swift test` regenerates them.
@Suite(.serialized) struct SampleCaptureTests {
    static let scripts: [String] = {
        let directory = Repository.samples.appendingPathComponent("scripts")
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".trace") }.sorted()
    }()

    @Test(arguments: scripts)
    func captureMatchesItsScript(script: String) throws {
        let generated = try Self.generate(script: script)
        let capturePath = Self.capturePath(for: script)
        if Repository.isUpdatingGoldens {
            try FileManager.default.createDirectory(at: capturePath.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try generated.write(to: capturePath)
            return
        }
        let committed = try Data(contentsOf: capturePath)
        #expect(committed == generated, "\(capturePath.path) is stale: run UPDATE_GOLDENS=1 swift test")
    }

    static func capturePath(for script: String) -> URL {
        Repository.samples.appendingPathComponent("captures")
            .appendingPathComponent(String(script.dropLast(".trace".count)) + ".pcap")
    }

    /// Writes the script's records through the capture writer and applies `@truncate`.
    static func generate(script: String) throws -> Data {
        let url = Repository.samples.appendingPathComponent("scripts").appendingPathComponent(script)
        let parsed = try TraceScript.parse(String(contentsOf: url, encoding: .utf8), name: script)
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("attrace-sample-\(UUID().uuidString).pcap")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let writer = try CaptureWriter(path: temporary.path, syncPolicy: .never)
        for record in parsed.records {
            switch record {
            case .chunk(let chunk): try writer.write(chunk)
            case .event(let event): try writer.write(event)
            case .diagnostic: break
            }
        }
        try writer.close()
        var data = try Data(contentsOf: temporary)
        if let cut = parsed.truncateBytes {
            data.removeLast(min(cut, data.count))
        }
        return data
    }
}
