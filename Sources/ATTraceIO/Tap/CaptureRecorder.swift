#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore

/// The writer half of a capture tap (capture.md §5.1): the I/O thread forwards first and
/// hands each record here; a writer thread of its own writes it through ``CaptureWriter``,
/// so a slow disk delays the file, never the serial link.
///
/// - The queue between them is capped in bytes. When it is full the record is dropped and
///   counted, and a `capture_lost` event goes in front of the next record that fits
///   (product.md §6: loss is recorded, never silent).
/// - Every record is flushed; `fdatasync` follows the ``SyncPolicy``. With an interval
///   policy the writer also syncs when the link goes quiet, so the last records of a
///   burst do not wait for the next one.
/// - Rotation (`tcpdump -C/-G/-W`): a part ends with a `stop` event (`"reason":"rotate"`)
///   and the next one starts with the session's `start` event plus `part` and `previous`,
///   so that every part decodes on its own. If the next part cannot be opened (disk full,
///   directory gone), the tap keeps forwarding: the error is reported once, records are
///   counted as lost, opening is retried once a second, and the part that finally opens
///   starts with a `capture_lost` event.
public final class CaptureRecorder: @unchecked Sendable {
    /// Called on the writer thread after each record is written, with its frame number in
    /// the current file (the live `--decode` view).
    public typealias Observer = @Sendable (_ record: TapRecord, _ frame: Int) -> Void

    public let output: CaptureOutput
    /// The file being written first (the first part when rotating).
    public let firstPath: String
    /// Records already in the file when appending, and the torn tail cut before.
    public let existingRecordCount: Int
    public let truncatedTailBytes: Int64
    /// The time of the last record already in the file; the tap's clock never goes below it.
    public let existingLastTime: Timestamp?

    private let queue: BoundedQueue<TapRecord>
    private let observer: Observer?
    private var thread: WorkerThread?

    // Writer thread only.
    private var writer: CaptureWriter
    private var partNumber: Int
    private var partOpenedAt: Int64
    private var sessionStart: RecorderEvent?
    private var partCounters: [Direction: DirectionCounters] = [:]
    /// Opening the next part failed: records are lost (and counted) until a retry, at most
    /// once per ``reopenInterval``, opens it.
    private var isWithoutPart = false
    private var reopenAt: Int64 = 0
    private var unwrittenRecords = 0
    private var unwrittenBytes = 0
    /// Records lost while no part was open, already reported in a later part.
    private var lostWhileWithoutPart = (records: 0, bytes: 0)
    /// How long to wait before trying again to open a part that failed to open.
    static let reopenInterval: Int64 = 1_000_000_000
    private var hasUnsyncedRecords = false

    // I/O thread only.
    private var pendingLostRecords = 0
    private var pendingLostBytes = 0
    /// Records (and their serial bytes) dropped because the writer fell behind.
    public private(set) var lostRecords = 0
    public private(set) var lostBytes = 0

    private let state = ConditionLock()
    private var firstFailure: CaptureError?
    private var writtenRecords = 0

    /// Opens the capture (or its first part) now, so that a bad path fails before the tap
    /// touches any device.
    public init(output: CaptureOutput, queueLimit: Int = 64 << 20, observer: Observer? = nil) throws(TapError) {
        self.output = output
        self.observer = observer
        self.queue = BoundedQueue(costLimit: queueLimit)
        do {
            if output.rotates {
                partNumber = output.highestExistingPart() + 1
                firstPath = output.partPath(partNumber)
                writer = try CaptureWriter(path: firstPath, syncPolicy: output.syncPolicy)
            } else if output.append {
                partNumber = 1
                firstPath = output.path
                writer = try CaptureWriter(appendingTo: output.path, syncPolicy: output.syncPolicy)
            } else {
                partNumber = 1
                firstPath = output.path
                writer = try CaptureWriter(path: output.path, syncPolicy: output.syncPolicy)
            }
        } catch {
            throw .capture(error)
        }
        existingRecordCount = writer.existingRecordCount
        truncatedTailBytes = writer.truncatedTailBytes
        existingLastTime = writer.existingLastTime
        partOpenedAt = SystemCalls.monotonicNanoseconds()
        if output.rotates { removeOldParts() }
    }

    /// Starts the writer thread.
    public func start() throws(TapError) {
        thread = try WorkerThread { [self] in writeUntilFinished() }
    }

    // MARK: - Producer side (the tap's I/O thread)

    /// Queues a record without ever waiting; a full queue drops it and counts the loss.
    public func submit(_ record: TapRecord) {
        if pendingLostRecords > 0 {
            guard queue.offer(.event(lossEvent(at: record.time)), cost: 512) else {
                countLoss(record)
                return
            }
            pendingLostRecords = 0
            pendingLostBytes = 0
        }
        if !queue.offer(record, cost: record.cost) {
            countLoss(record)
        }
    }

    /// The time for a record read now from the tap's clock; a step of the wall clock since
    /// the previous stamp is recorded first, as a `clock_step` event (product.md §1).
    func stamp(_ clock: inout TapClock) -> Timestamp {
        let (time, step) = clock.now()
        if let step {
            submit(.event(.tap("clock_step", at: time, [("step_ns", .integer(step))])))
        }
        return time
    }

    /// Queues the session's `start` event: the tap's own fields, then what appending found
    /// in the file (records kept, torn tail cut), then the command line's extra fields.
    public func submitStart(at time: Timestamp, _ fields: [(key: String, value: JSONValue)],
                            extra: [(key: String, value: JSONValue)]) {
        var fields = fields
        if output.append {
            fields.append(("appended_to_records", .integer(Int64(existingRecordCount))))
            fields.append(("truncated_tail_bytes", .integer(truncatedTailBytes)))
        }
        submit(.event(.tap("start", at: time, fields + extra)))
    }

    /// Queues a record, waiting for room if needed: the session's last record (`stop`),
    /// which must not be lost.
    public func submitWaiting(_ record: TapRecord) {
        while true {
            if pendingLostRecords > 0 {
                if queue.offer(.event(lossEvent(at: record.time)), cost: 512) {
                    pendingLostRecords = 0
                    pendingLostBytes = 0
                }
            }
            if pendingLostRecords == 0 && queue.offer(record, cost: record.cost) { return }
            usleep(1000)
        }
    }

    /// The `capture_lost` event for the records dropped since the last one.
    private func lossEvent(at time: Timestamp) -> RecorderEvent {
        RecorderEvent.tap("capture_lost", at: time, [
            ("records", .integer(Int64(pendingLostRecords))),
            ("bytes", .integer(Int64(pendingLostBytes))),
            ("reason", .string("the writer fell behind")),
        ])
    }

    private func countLoss(_ record: TapRecord) {
        let bytes: Int
        if case .chunk(let chunk) = record { bytes = chunk.bytes.count } else { bytes = 0 }
        pendingLostRecords += 1
        pendingLostBytes += bytes
        lostRecords += 1
        lostBytes += bytes
    }

    /// What ``finish()`` reports.
    public struct Summary: Sendable {
        public var recordsWritten: Int
        public var lostRecords: Int
        public var lostBytes: Int
        /// The first write error, if any (the tap kept forwarding regardless).
        public var failure: CaptureError?
        /// The file written last.
        public var lastPath: String
    }

    /// Writes what is queued, closes the file and stops the writer thread.
    public func finish() -> Summary {
        queue.close()
        if let thread {
            thread.join()
        } else {
            // Never started (the session's set-up failed): the file is still open.
            perform { () throws(CaptureError) in try writer.close() }
        }
        thread = nil
        let (failure, written) = state.withLock { (firstFailure, writtenRecords) }
        // The writer thread has been joined: its counters are final.
        let unwritten = (records: lostWhileWithoutPart.records + unwrittenRecords,
                         bytes: lostWhileWithoutPart.bytes + unwrittenBytes)
        return Summary(recordsWritten: written, lostRecords: lostRecords + unwritten.records,
                       lostBytes: lostBytes + unwritten.bytes, failure: failure, lastPath: writer.name)
    }

    /// The first write error so far (any thread).
    public var failure: CaptureError? {
        state.withLock { firstFailure }
    }

    // MARK: - Writer thread

    private func writeUntilFinished() {
        let idleWait: Int64
        if case .interval(let milliseconds) = output.syncPolicy {
            idleWait = Int64(max(1, milliseconds)) * 1_000_000
        } else {
            idleWait = 1_000_000_000
        }
        loop: while true {
            switch queue.next(timeoutNanoseconds: idleWait) {
            case .element(let record):
                write(record)
            case .timedOut:
                if hasUnsyncedRecords && !isWithoutPart {
                    perform { () throws(CaptureError) in try writer.synchronize() }
                    hasUnsyncedRecords = false
                }
            case .finished:
                break loop
            }
        }
        if !isWithoutPart {
            perform { () throws(CaptureError) in try writer.close() }
        }
    }

    private func write(_ record: TapRecord) {
        if case .event(let event) = record, event.name == "start", sessionStart == nil {
            sessionStart = event
        } else if isRotationDue() {
            rotate(at: record.time)
        }
        if isWithoutPart {
            unwrittenRecords += 1
            if case .chunk(let chunk) = record { unwrittenBytes += chunk.bytes.count }
            return
        }
        let frame = writer.existingRecordCount + writer.recordsWritten + 1
        let syncsBefore = writer.syncsPerformed
        let succeeded = perform { () throws(CaptureError) in
            switch record {
            case .chunk(let chunk):
                try writer.write(chunk.bytes, direction: chunk.direction, time: chunk.time, sequence: chunk.sequence)
                partCounters[chunk.direction, default: DirectionCounters()].count(chunk.bytes.count)
            case .event(let event):
                try writer.write(event)
            }
        }
        if case .interval = output.syncPolicy {
            hasUnsyncedRecords = writer.syncsPerformed == syncsBefore
        }
        if succeeded {
            state.withLock { writtenRecords += 1 }
            observer?(record, frame)
        }
    }

    /// Runs a write; the first failure is kept, later ones are not repeated.
    @discardableResult
    private func perform(_ body: () throws(CaptureError) -> Void) -> Bool {
        do {
            try body()
            return true
        } catch {
            state.withLock {
                if firstFailure == nil { firstFailure = error }
            }
            return false
        }
    }

    private func isRotationDue() -> Bool {
        if isWithoutPart { return SystemCalls.monotonicNanoseconds() >= reopenAt }
        guard writer.recordsWritten > 0 else { return false }
        if let bytes = output.rotateBytes, writer.fileBytesWritten >= bytes { return true }
        if let seconds = output.rotateSeconds,
           SystemCalls.monotonicNanoseconds() - partOpenedAt >= Int64(seconds) * 1_000_000_000 {
            return true
        }
        return false
    }

    private func rotate(at time: Timestamp) {
        let previous = writer.name
        let nextNumber = partNumber + 1
        let nextPath = output.partPath(nextNumber)
        var stopFields: [(key: String, value: JSONValue)] = [("reason", .string("rotate")), ("next", .string(nextPath))]
        for direction in [Direction.host, .modem] {
            stopFields.append((direction.name, (partCounters[direction] ?? DirectionCounters()).jsonObject))
        }
        if !isWithoutPart {
            perform { () throws(CaptureError) in try writer.write(RecorderEvent.tap("stop", at: time, stopFields)) }
            perform { () throws(CaptureError) in try writer.close() }
        }
        do {
            writer = try CaptureWriter(path: nextPath, syncPolicy: output.syncPolicy)
        } catch {
            // Keep forwarding rather than stop the tap: the failure is reported, records are
            // counted as lost, and the part is tried again later (not at every record).
            perform { () throws(CaptureError) in throw error }
            isWithoutPart = true
            reopenAt = SystemCalls.monotonicNanoseconds() + Self.reopenInterval
            return
        }
        isWithoutPart = false
        partNumber = nextNumber
        partOpenedAt = SystemCalls.monotonicNanoseconds()
        partCounters = [:]
        if let sessionStart {
            var fields = sessionStart.fields
            fields.append(("part", .integer(Int64(partNumber))))
            fields.append(("previous", .string(previous)))
            perform { () throws(CaptureError) in try writer.write(RecorderEvent(time: time, frame: 0, fields: fields)) }
        }
        if unwrittenRecords > 0 {
            let lost = RecorderEvent.tap("capture_lost", at: time, [
                ("records", .integer(Int64(unwrittenRecords))),
                ("bytes", .integer(Int64(unwrittenBytes))),
                ("reason", .string("no capture part could be opened")),
            ])
            perform { () throws(CaptureError) in try writer.write(lost) }
            lostWhileWithoutPart.records += unwrittenRecords
            lostWhileWithoutPart.bytes += unwrittenBytes
            unwrittenRecords = 0
            unwrittenBytes = 0
        }
        removeOldParts()
    }

    /// Deletes parts beyond the newest `keepParts` (`tcpdump -W`).
    private func removeOldParts() {
        guard let keep = output.keepParts, keep > 0 else { return }
        var number = partNumber - keep
        while number >= 1 {
            let path = output.partPath(number)
            if unlink(path) != 0 && errno == ENOENT && number < partNumber - keep - 1 { break }
            number -= 1
        }
    }
}
