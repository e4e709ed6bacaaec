import ATTraceCore
import ATTraceIO

/// Records held in memory as the decoder takes them: every chunk's bytes back to back in
/// one buffer, consecutive chunks of one direction and channel gathered into one run
/// (``ATStreamDecoder/feed(run:direction:channel:marks:)``), events and diagnostics kept
/// apart. The batches of ``PrefetchingSource`` and the in-memory capture of the benchmark's
/// stage timer.
public struct RecordRuns: Sendable {
    private var bytes: [UInt8] = []
    private var items: [Item] = []
    /// Where each chunk's bytes begin in its run, with its time and frame.
    private var marks: [ByteMark] = []
    /// Events and diagnostics (rare), referred to by index so that an item is plain data
    /// and iterating the items costs no reference counting.
    private var others: [CaptureRecord] = []

    private enum Item: Sendable {
        case run(direction: Direction, channel: UInt32, bytes: Range<Int>, marks: Range<Int>)
        case other(index: Int)
    }

    public init(byteCapacity: Int = 0, recordCapacity: Int = 0) {
        bytes.reserveCapacity(byteCapacity)
        items.reserveCapacity(recordCapacity)
        marks.reserveCapacity(recordCapacity)
    }

    /// Serial bytes held.
    public var byteCount: Int { bytes.count }
    /// Records held (chunks, events and diagnostics).
    public var recordCount: Int { marks.count + others.count }
    public var isEmpty: Bool { items.isEmpty }

    public mutating func append(_ record: RawRecord) {
        switch record {
        case .chunk(let chunk):
            append(chunk)
        case .event, .diagnostic:
            items.append(.other(index: others.count))
            others.append(record.copied())
        }
    }

    public mutating func append(_ chunk: ChunkView) {
        let start = bytes.count
        bytes.append(contentsOf: chunk.bytes)
        if chunk.direction != .unknown, let last = items.last,
           case .run(chunk.direction, chunk.channel, let run, let runMarks) = last {
            // The run goes on (records without a direction stay apart: the decoder infers
            // their direction record by record).
            marks.append(ByteMark(offset: start - run.lowerBound, time: chunk.time, frame: chunk.frame))
            items[items.count - 1] = .run(direction: chunk.direction, channel: chunk.channel,
                                          bytes: run.lowerBound..<bytes.count, marks: runMarks.lowerBound..<marks.count)
        } else {
            marks.append(ByteMark(offset: 0, time: chunk.time, frame: chunk.frame))
            items.append(.run(direction: chunk.direction, channel: chunk.channel,
                              bytes: start..<bytes.count, marks: marks.count - 1..<marks.count))
        }
    }

    /// Empties the buffers for reuse, keeping their capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        others.removeAll(keepingCapacity: true)
    }

    /// Hands out the runs and the other records in order; bytes are valid inside `body` only.
    public func forEachItem(_ body: (SourceItem) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { bytes in
            try marks.withUnsafeBufferPointer { marks in
                for item in items {
                    switch item {
                    case .run(let direction, let channel, let byteRange, let markRange):
                        try body(.run(ChunkRun(direction: direction, channel: channel,
                                               bytes: UnsafeRawBufferPointer(rebasing: bytes[byteRange]),
                                               marks: UnsafeBufferPointer(rebasing: marks[markRange]))))
                    case .other(let index):
                        try others[index].withRawRecord { try body(.record($0)) }
                    }
                }
            }
        }
    }
}
