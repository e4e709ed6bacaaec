import ATTraceCore
import ATTraceIO

/// Reads another source on a thread of its own, ahead of its consumer (product.md §5):
/// libpcap's reading and record parsing overlap with decoding instead of adding to it.
///
/// Records travel in batches that own a copy of their bytes (libpcap's buffer is reused by
/// the next read); the consumer sees the same records, in the same order, as from the
/// source itself, consecutive chunks of one direction and channel gathered in runs.
final class PrefetchingSource: RecordSource {
    let name: String
    private let base: RecordSource

    /// A batch is handed on at this many bytes or records.
    static let batchBytes = 256 << 10
    static let batchRecords = 4096
    static let queuedBatches = 4

    init(_ base: RecordSource) {
        self.base = base
        self.name = base.name
    }

    /// Records read ahead, with their bytes in one buffer. Consecutive chunks of one
    /// direction and channel form one run (their bytes lie back to back), which the decoder
    /// takes in one step (``RecordSource/forEachItem(_:)``).
    private struct Batch: Sendable {
        var bytes: [UInt8] = []
        var items: [Item] = []
        /// Where each chunk's bytes begin in its run, with its time and frame.
        var marks: [ByteMark] = []
        /// Events and diagnostics (rare), referred to by index so that an item is plain data
        /// and iterating the items costs no reference counting.
        var others: [CaptureRecord] = []

        enum Item: Sendable {
            case run(direction: Direction, channel: UInt32, bytes: Range<Int>, marks: Range<Int>)
            case other(index: Int)
        }

        init() {
            bytes.reserveCapacity(PrefetchingSource.batchBytes + 4096)
            items.reserveCapacity(PrefetchingSource.batchRecords)
            marks.reserveCapacity(PrefetchingSource.batchRecords)
        }

        mutating func append(_ chunk: ChunkView) {
            let start = bytes.count
            bytes.append(contentsOf: chunk.bytes)
            if chunk.direction != .unknown, let last = items.last,
               case .run(chunk.direction, chunk.channel, let run, let runMarks) = last {
                // The run goes on (records without a direction stay apart: the decoder
                // infers their direction record by record).
                marks.append(ByteMark(offset: start - run.lowerBound, time: chunk.time, frame: chunk.frame))
                items[items.count - 1] = .run(direction: chunk.direction, channel: chunk.channel,
                                              bytes: run.lowerBound..<bytes.count, marks: runMarks.lowerBound..<marks.count)
            } else {
                marks.append(ByteMark(offset: 0, time: chunk.time, frame: chunk.frame))
                items.append(.run(direction: chunk.direction, channel: chunk.channel,
                                  bytes: start..<bytes.count, marks: marks.count - 1..<marks.count))
            }
        }

        /// Empties the batch for reuse, keeping its buffers.
        mutating func reset() {
            bytes.removeAll(keepingCapacity: true)
            items.removeAll(keepingCapacity: true)
            marks.removeAll(keepingCapacity: true)
            others.removeAll(keepingCapacity: true)
        }

        var isFull: Bool {
            bytes.count >= PrefetchingSource.batchBytes || marks.count + others.count >= PrefetchingSource.batchRecords
        }

        /// Hands out the batch's items; the bytes are valid inside `body` only.
        func forEachItem(_ body: (SourceItem) throws -> Void) throws {
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

    private enum Handoff: Sendable {
        case batch(Batch)
        case failed(any Error)
    }

    private struct ConsumerStopped: Error {}

    /// Unchecked: the base source is used by the reading thread only, until it is joined.
    private struct Handover: @unchecked Sendable {
        let base: RecordSource
    }

    func forEachRecord(_ body: (RawRecord) throws -> Void) throws {
        try forEachItem { item in
            switch item {
            case .record(let record): try body(record)
            case .run(let run): try run.forEachChunk(body)
            }
        }
    }

    func forEachItem(_ body: (SourceItem) throws -> Void) throws {
        let queue = HandoffQueue<Handoff>(capacity: Self.queuedBatches)
        // Read batches go back to the reading thread to be filled again: no allocation per
        // batch, and no buffer freed on another thread than the one that allocated it.
        let recycled = HandoffQueue<Batch>(capacity: Self.queuedBatches + 2)
        let handover = Handover(base: base)
        let reader = WorkerThread.start {
            var batch = Batch()
            do {
                try handover.base.forEachRecord { raw in
                    switch raw {
                    case .chunk(let chunk):
                        batch.append(chunk)
                    case .event, .diagnostic:
                        batch.items.append(.other(index: batch.others.count))
                        batch.others.append(raw.copied())
                    }
                    guard batch.isFull else { return }
                    // Moved into the queue (see DecodedRecordStream): a batch that comes back
                    // is unique, and its buffers are reused rather than copied.
                    var full: Batch
                    if var used = recycled.tryReceive() {
                        used.reset()
                        full = used
                    } else {
                        full = Batch()
                    }
                    swap(&full, &batch)
                    guard queue.send(.batch(consume full)) else { throw ConsumerStopped() }
                }
                if !batch.items.isEmpty { queue.send(.batch(batch)) }
            } catch is ConsumerStopped {
                // The consumer has its own error to report.
            } catch {
                queue.send(.failed(error))
            }
            queue.close()
        }
        defer { reader.join() }
        do {
            while let handoff = queue.receive() {
                switch consume handoff {
                case .batch(let batch):
                    try batch.forEachItem(body)
                    recycled.trySend(consume batch)
                case .failed(let error):
                    throw error
                }
            }
        } catch {
            queue.cancel()
            throw error
        }
    }
}
