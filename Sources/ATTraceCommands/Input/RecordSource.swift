import ATTraceCore
import ATTraceIO

/// Something that yields capture records in file order: a pcap/pcapng reader, a usbmon
/// importer, or an importer for a text log.
protocol RecordSource: AnyObject {
    /// The input's name for messages and output headers.
    var name: String { get }
    /// Hands every record to `body`, in order; serial bytes are only valid inside `body`.
    func forEachRecord(_ body: (RawRecord) throws -> Void) throws
    /// The same records, where the source can, as runs of consecutive chunks of one
    /// direction and channel (fed to the decoder in one step); bytes only valid inside `body`.
    func forEachItem(_ body: (SourceItem) throws -> Void) throws
}

extension RecordSource {
    func forEachItem(_ body: (SourceItem) throws -> Void) throws {
        try forEachRecord { try body(.record($0)) }
    }
}

/// One step of a source: a record, or a run of chunks.
public enum SourceItem {
    case record(RawRecord)
    case run(ChunkRun)
}

/// Consecutive chunks of one direction and channel whose bytes lie back to back: `marks`
/// says where each record's bytes begin, with its time and frame
/// (``ATStreamDecoder/feed(run:direction:channel:marks:)``).
public struct ChunkRun {
    public var direction: Direction
    public var channel: UInt32
    public var bytes: UnsafeRawBufferPointer
    public var marks: UnsafeBufferPointer<ByteMark>

    /// The records of the run, one by one.
    public func forEachChunk(_ body: (RawRecord) throws -> Void) rethrows {
        for (index, mark) in marks.enumerated() {
            let end = index + 1 < marks.count ? marks[index + 1].offset : bytes.count
            try body(.chunk(ChunkView(time: mark.time, frame: mark.frame, channel: channel, direction: direction,
                                      bytes: UnsafeRawBufferPointer(rebasing: bytes[mark.offset..<end]))))
        }
    }
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
