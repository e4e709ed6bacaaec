import ATTraceCore
import ATTraceReplay
import ATTraceSimulation
import Foundation

/// The sample scripts under `Samples/scripts` (the source of `Samples/captures`), as the
/// replay tests use them.
enum ReplaySamples {
    static let scriptsDirectory: URL? = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Samples/scripts")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    /// Every script, relative to `Samples/scripts`, sorted.
    static let all: [String] = {
        guard let root = scriptsDirectory, let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".trace") }.sorted()
    }()

    /// Scripts that cannot be replayed, and why (Docs/Replay.md "Limits").
    static let notReplayable: Set<String> = [
        "failures/no-direction-tags.trace",  // no direction tags: who sent what is unknown
    ]

    /// Samples that leave data mode by a DTR edge: a pty has no modem lines (capture.md
    /// §2.5), so the replay sends the module's `OK` at its recorded time, but a decoder of the
    /// replayed session, without the recorded `modem_lines` events, reads it as data.
    static let leavesDataModeByDTR: Set<String> = ["failures/dtr-exit.trace"]

    static let replayable: [String] = all.filter { !notReplayable.contains($0) }

    static func records(_ path: String) throws -> [CaptureRecord] {
        let url = scriptsDirectory!.appendingPathComponent(path)
        return try TraceScript.parse(String(contentsOf: url, encoding: .utf8), name: path).records
    }

    static func recording(_ path: String) throws -> Recording {
        try RecordingBuilder.build(from: records(path))
    }

    /// A script written inline (the format of Samples/scripts/README.md).
    static func recording(script: String) throws -> Recording {
        try RecordingBuilder.build(from: TraceScript.parse(script, name: "inline.trace").records)
    }
}
