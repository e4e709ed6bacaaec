import ATTraceCore
import ATTraceReplay

/// Reads the capture a replay plays (any input `decode` reads: pcap, pcapng, trace script,
/// text log) and turns it into a ``Recording``. Unreadable input and captures that cannot
/// be replayed are one-line failures with exit status 2 (product.md §2).
enum RecordingLoader {
    static func load(_ path: String) throws -> (recording: Recording, name: String) {
        let source = try InputOpener.openSource(path, options: InputOptions.parse([]))
        var records: [CaptureRecord] = []
        try source.forEachRecord { records.append($0.copied()) }
        do {
            return (try RecordingBuilder.build(from: records), source.name)
        } catch {
            throw CommandFailure("\(source.name): \(error.description)")
        }
    }
}
