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

    /// A decoded record with what the consumer needs besides it.
    struct Decoded: Sendable {
        var record: DecodedRecord
        var context: Context
    }

    /// The same as ``run(_:progress:onRecord:)``: `onRecord` runs on the calling thread, in
    /// the same order, with the same contexts; errors of either side end the run and are
    /// rethrown here.
    mutating func runConcurrently(_ source: RecordSource, progress: ProgressReporter,
                                  onRecord: (DecodedRecord, Context) throws -> Void) throws {
        let stream = DecodedRecordStream(source, progress: progress, run: self)
        defer { stream.close() }
        try stream.forEachRemaining { item in
            try onRecord(item.record, item.context)
        }
        if let finished = stream.finishedRun { self = finished }
    }
}
