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

    /// Records read ahead, handed on together.
    private typealias Batch = RecordRuns

    private static func newBatch() -> Batch {
        Batch(byteCapacity: batchBytes + 4096, recordCapacity: batchRecords)
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
            var batch = Self.newBatch()
            do {
                try handover.base.forEachRecord { raw in
                    batch.append(raw)
                    guard batch.byteCount >= Self.batchBytes || batch.recordCount >= Self.batchRecords else { return }
                    // Moved into the queue (see DecodedRecordStream): a batch that comes back
                    // is unique, and its buffers are reused rather than copied.
                    var full: Batch
                    if var used = recycled.tryReceive() {
                        used.removeAll()
                        full = used
                    } else {
                        full = Self.newBatch()
                    }
                    swap(&full, &batch)
                    guard queue.send(.batch(consume full)) else { throw ConsumerStopped() }
                }
                if !batch.isEmpty { queue.send(.batch(batch)) }
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
