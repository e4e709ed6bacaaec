import ATTraceCore
import ATTraceIO

/// Something that yields capture records in file order: a pcap/pcapng reader, a usbmon
/// importer, or an importer for a text log.
protocol RecordSource: AnyObject {
    /// The input's name for messages and output headers.
    var name: String { get }
    /// Hands every record to `body`, in order; serial bytes are only valid inside `body`.
    func forEachRecord(_ body: (RawRecord) throws -> Void) throws
}

extension CaptureReader: RecordSource {}

extension USBMonitorImporter: RecordSource {}

/// A source over records already in memory (trace scripts).
final class RecordListSource: RecordSource {
    let name: String
    private let records: [CaptureRecord]

    init(name: String, records: [CaptureRecord]) {
        self.name = name
        self.records = records
    }

    func forEachRecord(_ body: (RawRecord) throws -> Void) throws {
        for record in records {
            try record.withRawRecord(body)
        }
    }
}
