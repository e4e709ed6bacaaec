import ATTraceCore
import ATTraceIO

/// Reads another source on a thread of its own, ahead of its consumer (product.md §5):
/// libpcap's reading and record parsing overlap with decoding instead of adding to it.
///
/// Records travel in batches that own a copy of their bytes (libpcap's buffer is reused by
/// the next read); the consumer sees the same `RawRecord`s, in the same order, as from the
/// source itself.
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

    /// Records read ahead, with their bytes in one buffer.
    private struct Batch: Sendable {
        var bytes: [UInt8] = []
        var items: [Item] = []
        /// Events and diagnostics (rare), referred to by index so that an item is plain data
        /// and iterating the items costs no reference counting.
        var others: [CaptureRecord] = []

        enum Item: Sendable {
            case chunk(time: Timestamp, frame: Int, channel: UInt32, direction: Direction, range: Range<Int>)
            case other(index: Int)
        }

        init() {
            bytes.reserveCapacity(PrefetchingSource.batchBytes + 4096)
            items.reserveCapacity(PrefetchingSource.batchRecords)
        }

        /// Empties the batch for reuse, keeping its buffers.
        mutating func reset() {
            bytes.removeAll(keepingCapacity: true)
            items.removeAll(keepingCapacity: true)
            others.removeAll(keepingCapacity: true)
        }

        var isFull: Bool {
            bytes.count >= PrefetchingSource.batchBytes || items.count >= PrefetchingSource.batchRecords
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
                        let start = batch.bytes.count
                        batch.bytes.append(contentsOf: chunk.bytes)
                        batch.items.append(.chunk(time: chunk.time, frame: chunk.frame, channel: chunk.channel,
                                                  direction: chunk.direction, range: start..<batch.bytes.count))
                    case .event, .diagnostic:
                        batch.items.append(.other(index: batch.others.count))
                        batch.others.append(raw.copied())
                    }
                    guard batch.isFull else { return }
                    guard queue.send(.batch(batch)) else { throw ConsumerStopped() }
                    if var used = recycled.tryReceive() {
                        used.reset()
                        batch = used
                    } else {
                        batch = Batch()
                    }
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
                switch handoff {
                case .batch(let batch):
                    try batch.bytes.withUnsafeBytes { bytes in
                        for item in batch.items {
                            switch item {
                            case .chunk(let time, let frame, let channel, let direction, let range):
                                try body(.chunk(ChunkView(time: time, frame: frame, channel: channel, direction: direction,
                                                          bytes: UnsafeRawBufferPointer(rebasing: bytes[range]))))
                            case .other(let index):
                                try batch.others[index].withRawRecord(body)
                            }
                        }
                    }
                    recycled.trySend(batch)
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
