import ATTraceCore
import ATTraceIO

/// Reading and decoding on threads of their own, so that they overlap with what the
/// caller does with the records (analysis, formatting, writing). On two cores a run then
/// takes about as long as the slowest stage instead of the sum of all (product.md §5).
extension DecodingRun {
    /// Records travel in batches: one handoff per record would cost more than it saves.
    static let batchSize = 512
    /// A batch is also handed on once the records in it were decoded from this many input
    /// bytes: records can carry payloads of megabytes, and memory must stay bounded.
    static let batchInputBytes = 256 << 10
    /// Batches in flight at most; bounds the memory between the two threads.
    static let queuedBatches = 8

    /// What the decoding thread hands to the caller, in order.
    enum Handoff: Sendable {
        case records([Decoded])
        /// The run ended; its counters and times.
        case finished(DecodingRun)
        case failed(any Error)
    }

    struct Decoded: Sendable {
        var record: DecodedRecord
        var context: Context
    }

    /// The caller stopped taking records.
    private struct ConsumerStopped: Error {}

    /// The same as ``run(_:progress:onRecord:)``: `onRecord` runs on the calling thread, in
    /// the same order, with the same contexts; errors of either side end the run and are
    /// rethrown here.
    mutating func runConcurrently(_ source: RecordSource, progress: ProgressReporter,
                                  onRecord: (DecodedRecord, Context) throws -> Void) throws {
        let queue = HandoffQueue<Handoff>(capacity: Self.queuedBatches)
        // A capture file is also read on a thread of its own: reading, decoding and the
        // caller's work then overlap (text logs are parsed into memory before this point).
        let source: RecordSource = source is CaptureReader ? PrefetchingSource(source) : source
        let handover = Handover(run: self, source: source, progress: progress)
        let worker = WorkerThread.start {
            var run = handover.run
            var progress = handover.progress
            var batch: [Decoded] = []
            batch.reserveCapacity(Self.batchSize)
            var batchStart = 0
            do {
                try run.run(handover.source, progress: &progress) { record, context in
                    batch.append(Decoded(record: record, context: context))
                    guard batch.count == Self.batchSize || context.inputBytes - batchStart >= Self.batchInputBytes else {
                        return
                    }
                    guard queue.send(.records(batch)) else { throw ConsumerStopped() }
                    batch = []
                    batch.reserveCapacity(Self.batchSize)
                    batchStart = context.inputBytes
                }
                if !batch.isEmpty { queue.send(.records(batch)) }
                queue.send(.finished(run))
            } catch is ConsumerStopped {
                // The caller has its own error to report.
            } catch {
                queue.send(.failed(error))
            }
            queue.close()
        }
        defer { worker.join() }
        while let handoff = queue.receive() {
            switch handoff {
            case .records(let batch):
                do {
                    for item in batch { try onRecord(item.record, item.context) }
                } catch {
                    queue.cancel()
                    throw error
                }
            case .finished(let run):
                self = run
            case .failed(let error):
                throw error
            }
        }
    }

    /// The source and the run's state, handed to the decoding thread. Unchecked: the
    /// caller does not touch the source again until the thread has been joined.
    private struct Handover: @unchecked Sendable {
        let run: DecodingRun
        let source: RecordSource
        let progress: ProgressReporter
    }
}
