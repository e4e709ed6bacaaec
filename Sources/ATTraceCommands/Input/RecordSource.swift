import ATTraceCore
import ATTraceIO

/// Something that yields capture records in file order: a pcap/pcapng reader, or an
/// importer for a text log.
protocol RecordSource: AnyObject {
    /// The input's name for messages and output headers.
    var name: String { get }
    /// Hands every record to `body`, in order; serial bytes are only valid inside `body`.
    func forEachRecord(_ body: (RawRecord) throws -> Void) throws
}

extension CaptureReader: RecordSource {}

/// A source over records already in memory (text importers, trace scripts).
final class RecordListSource: RecordSource {
    let name: String
    private let records: [CaptureRecord]

    init(name: String, records: [CaptureRecord]) {
        self.name = name
        self.records = records
    }

    func forEachRecord(_ body: (RawRecord) throws -> Void) throws {
        for record in records {
            switch record {
            case .chunk(let chunk):
                try chunk.bytes.withUnsafeBytes { bytes in
                    try body(.chunk(ChunkView(time: chunk.time, frame: chunk.frame, channel: chunk.channel,
                                              direction: chunk.direction, bytes: bytes)))
                }
            case .event(let event):
                try body(.event(event))
            case .diagnostic(let diagnostic):
                try body(.diagnostic(diagnostic))
            }
        }
    }
}
