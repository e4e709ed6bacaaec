import ATTraceCore
import ATTraceIO

/// One input read and decoded on a thread of its own (and a capture file read on another,
/// ``PrefetchingSource``), its records handed out one at a time on request: `decode` and
/// `analyze` take them all (``DecodingRun/runConcurrently(_:progress:onRecord:)``); `diff`
/// pulls from two inputs in step, from whichever the comparison needs next. Memory is
/// bounded by the handoff queue (product.md §5).
///
/// Closing the stream (or dropping it) stops the decoding thread and waits for it.
final class DecodedRecordStream {
    let name: String
    private let queue = HandoffQueue<Handoff>(capacity: DecodingRun.queuedBatches)
    /// Batches the caller is done with, going back to the decoding thread: their records
    /// are let go there, on the thread that allocated them, and their buffers reused. Freeing
    /// on the other thread cost more than the decoding of a record (malloc's arenas are per
    /// thread).
    private let recycled = HandoffQueue<[DecodingRun.Decoded]>(capacity: DecodingRun.queuedBatches + 2)
    private var worker: WorkerThread?
    private var batch: [DecodingRun.Decoded] = []
    private var batchIndex = 0
    /// The run's counters and times once the input is read to its end.
    private(set) var finishedRun: DecodingRun?

    /// The caller stopped taking records.
    private struct ConsumerStopped: Error {}

    /// What the decoding thread hands over, in order.
    private enum Handoff: Sendable {
        case records([DecodingRun.Decoded])
        case finished(DecodingRun)
        case failed(any Error)
    }

    /// The source and the run, handed to the decoding thread. Unchecked: nothing else
    /// touches the source until the thread has been joined.
    private struct Handover: @unchecked Sendable {
        let source: RecordSource
        let progress: ProgressReporter
        let run: DecodingRun
    }

    init(_ source: RecordSource, progress: ProgressReporter, run: DecodingRun = DecodingRun()) {
        name = source.name
        let queue = queue
        let recycled = recycled
        // A capture file is also read on a thread of its own (text logs are parsed into
        // memory before this point).
        let source: RecordSource = source is CaptureReader ? PrefetchingSource(source) : source
        let handover = Handover(source: source, progress: progress, run: run)
        worker = WorkerThread.start {
            var run = handover.run
            var progress = handover.progress
            var batch: [DecodingRun.Decoded] = []
            batch.reserveCapacity(DecodingRun.batchSize)
            var batchStart = 0
            do {
                try run.run(handover.source, progress: &progress) { record, context in
                    batch.append(DecodingRun.Decoded(record: record, context: context))
                    guard batch.count == DecodingRun.batchSize
                            || context.inputBytes - batchStart >= DecodingRun.batchInputBytes else { return }
                    // Moved into the queue, not copied: the consumer must find the batch
                    // unique to move records out of it.
                    var full: [DecodingRun.Decoded] = []
                    if var used = recycled.tryReceive() {
                        used.removeAll(keepingCapacity: true)
                        full = used
                    } else {
                        full.reserveCapacity(DecodingRun.batchSize)
                    }
                    swap(&full, &batch)
                    guard queue.send(.records(consume full)) else { throw ConsumerStopped() }
                    batchStart = context.inputBytes
                }
                if !batch.isEmpty { queue.send(.records(batch)) }
                queue.send(.finished(run))
            } catch is ConsumerStopped {
                // The caller closed the stream.
            } catch {
                queue.send(.failed(error))
            }
            queue.close()
        }
    }

    deinit {
        close()
    }

    /// The next decoded record with its context, `nil` at the end of the input; rethrows a
    /// read error of the input.
    func next() throws -> DecodingRun.Decoded? {
        while batchIndex == batch.count {
            guard let handoff = queue.receive() else { return nil }
            switch handoff {
            case .records(let records):
                let used = batch
                batch = records
                batchIndex = 0
                if !used.isEmpty { recycled.trySend(used) }
            case .finished(let run):
                finishedRun = run
            case .failed(let error):
                close()
                throw error
            }
        }
        defer { batchIndex += 1 }
        return batch[batchIndex]
    }

    /// Hands every remaining decoded record to `body`, a batch at a time, each borrowed from
    /// its batch (no copy of a record is made on this thread: the records were made, and are
    /// let go, on the decoding thread); rethrows a read error of the input.
    func forEachRemaining(_ body: (borrowing DecodingRun.Decoded) throws -> Void) throws {
        while batchIndex < batch.count {
            try body(batch[batchIndex])
            batchIndex += 1
        }
        while let handoff = queue.receive() {
            // Consumed: the batch moves out of the hand-off, so that it is unique below.
            switch consume handoff {
            case .records(var records):
                if !batch.isEmpty { recycled.trySend(batch) }
                batch = []
                batchIndex = 0
                // Each record is moved out of its slot for the call and moved back after it:
                // a value borrowed from memory would be retained around the call (the callee
                // might change that memory) and released after it: two writes to a reference
                // count that the decoding thread writes too, each a cache line crossing cores
                // (Docs/Performance.md, "Where the time goes").
                try records.withUnsafeMutableBufferPointer { records in
                    guard let base = records.baseAddress else { return }
                    for index in records.indices {
                        let item = (base + index).move()
                        defer { (base + index).initialize(to: item) }
                        try body(item)
                    }
                }
                recycled.trySend(consume records)
            case .finished(let run):
                finishedRun = run
            case .failed(let error):
                close()
                throw error
            }
        }
    }

    /// Stops the decoding thread (if it still runs) and waits for it.
    func close() {
        guard let worker else { return }
        queue.cancel()
        worker.join()
        self.worker = nil
    }
}
