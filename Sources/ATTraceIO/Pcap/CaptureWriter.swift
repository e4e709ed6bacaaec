#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import CPcap

/// Writes attrace captures through libpcap, exactly as product.md §1 specifies: classic
/// pcap, nanosecond magic, snapshot length 262144, link type 252, exported-PDU TLVs in
/// front of each record (see `ExportedPDUHeader+Encoding.swift` for the bytes).
///
/// Crash safety (product.md §1, formats.md §3): every record is flushed to the kernel
/// (`pcap_dump_flush`), so SIGKILL leaves a readable file; ``SyncPolicy`` decides when it
/// is also forced to disk. Appending (``init(appendingTo:syncPolicy:clock:)``) first cuts
/// a torn tail, because libpcap's append does not.
///
/// The writer is a class because it owns a `pcap_dumper_t`; it closes it in ``close()`` or
/// on deinit. It is not thread-safe: use it from one task at a time.
public final class CaptureWriter {
    /// The snapshot length of new files; also the largest record libpcap reads back.
    public static let snapshotLength = 262_144
    /// Room kept for the TLV prefix (at most 52 bytes) below the snapshot length.
    static let prefixAllowance = 64

    /// The file name used in messages (`standard output` for `-`).
    public let name: String
    public let syncPolicy: SyncPolicy
    /// The most serial bytes in one record; longer chunks become several records.
    public let maximumPayloadPerRecord: Int
    /// Valid records that were already in the file when appending (0 for a new file).
    public let existingRecordCount: Int
    /// Bytes of a torn tail cut off before appending (0 when the file ended cleanly).
    public let truncatedTailBytes: Int64
    /// The time of the last record already in the file when appending.
    public private(set) var existingLastTime: Timestamp?
    /// Records written by this writer (a long chunk counts once per record it fills).
    public private(set) var recordsWritten = 0
    /// Serial bytes written by this writer (TLV prefixes and event bodies not counted).
    public private(set) var payloadBytesWritten = 0
    /// Bytes this writer added to the file (record headers and data; the file header of a
    /// new file counted too), for size-based rotation.
    public private(set) var fileBytesWritten: Int64 = 0
    /// `fdatasync` calls made so far.
    public private(set) var syncsPerformed = 0

    private var deadHandle: OpaquePointer?
    private var dumper: OpaquePointer?
    /// Whether the output is a regular file; pipes and terminals cannot be synced.
    private let canSynchronize: Bool
    private let clock: () -> Int64
    private var lastSynchronization: Int64
    private var recordsSinceSynchronization = 0
    /// One record's TLVs and bytes, reused so that writing allocates nothing.
    private var recordBuffer: [UInt8] = []

    // MARK: - Opening

    /// Creates (or replaces) the capture at `path`; `-` writes to standard output.
    ///
    /// - Parameter clock: monotonic nanoseconds, read for ``SyncPolicy/interval(milliseconds:)``.
    public convenience init(path: String, syncPolicy: SyncPolicy = .everyRecord,
                            clock: @escaping () -> Int64 = CaptureWriter.monotonicNanoseconds) throws(CaptureError) {
        if path == "-" {
            try self.init(fileDescriptor: STDOUT_FILENO, name: "standard output", syncPolicy: syncPolicy, clock: clock)
            return
        }
        guard let file = fopen(path, "wb") else {
            throw .cannotWrite(name: path, reason: SystemCalls.lastErrorDescription)
        }
        try self.init(file: file, name: path, syncPolicy: syncPolicy, clock: clock)
        if syncPolicy != .never {
            // The header is on disk; make the new directory entry durable too.
            SystemCalls.synchronizeDirectory(containing: path)
        }
    }

    /// Writes to a duplicate of `fileDescriptor` (a pipe, standard output); the caller
    /// keeps and closes the original.
    public convenience init(fileDescriptor: Int32, name: String, syncPolicy: SyncPolicy = .everyRecord,
                            clock: @escaping () -> Int64 = CaptureWriter.monotonicNanoseconds) throws(CaptureError) {
        switch SystemCalls.duplicateStream(of: fileDescriptor, mode: "wb") {
        case .success(let file):
            try self.init(file: file, name: name, syncPolicy: syncPolicy, clock: clock)
        case .failure(let failure):
            throw .cannotWrite(name: name, reason: failure.description)
        }
    }

    /// Writes a new capture to an open stdio stream and takes ownership of it: the writer
    /// closes it, also when this initializer throws.
    public convenience init(file: UnsafeMutablePointer<FILE>, name: String, syncPolicy: SyncPolicy = .everyRecord,
                            clock: @escaping () -> Int64 = CaptureWriter.monotonicNanoseconds) throws(CaptureError) {
        let deadHandle = Self.openDeadHandle(snapshotLength: Self.snapshotLength)
        guard let dumper = pcap_dump_fopen(deadHandle, file) else {
            // With link type 252 always supported, the only failure is the header write,
            // and pcap_dump_fopen closes the stream itself on that path.
            let reason = String(cString: pcap_geterr(deadHandle))
            pcap_close(deadHandle)
            throw .cannotWrite(name: name, reason: reason)
        }
        self.init(name: name, deadHandle: deadHandle, dumper: dumper, syncPolicy: syncPolicy, clock: clock,
                  snapshotLength: Self.snapshotLength, existingRecordCount: 0, truncatedTailBytes: 0)
        try flushAndSynchronize(force: syncPolicy != .never)
    }

    /// Appends to the capture at `path`, creating it when it does not exist.
    ///
    /// The existing records are validated first (`CaptureFileScanner`); a torn tail (an
    /// incomplete or invalid record and everything after it) is cut off, and
    /// ``truncatedTailBytes`` says how much. Throws when the file is not a capture, or is
    /// one that cannot take attrace records (pcapng, another link type, µs timestamps).
    public convenience init(appendingTo path: String, syncPolicy: SyncPolicy = .everyRecord,
                            clock: @escaping () -> Int64 = CaptureWriter.monotonicNanoseconds) throws(CaptureError) {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        if descriptor < 0 && errno == ENOENT {
            try self.init(path: path, syncPolicy: syncPolicy, clock: clock)
            return
        }
        guard descriptor >= 0 else {
            throw .cannotAppend(name: path, reason: SystemCalls.lastErrorDescription)
        }
        let scan: CaptureFileScanner.Result
        do {
            scan = try Self.prepareForAppending(descriptor: descriptor, name: path, synchronize: syncPolicy != .never)
        } catch {
            SystemCalls.closeDescriptor(descriptor)
            throw error
        }
        SystemCalls.closeDescriptor(descriptor)

        let deadHandle = Self.openDeadHandle(snapshotLength: scan.snapshotLength)
        guard let dumper = pcap_dump_open_append(deadHandle, path) else {
            let reason = String(cString: pcap_geterr(deadHandle))
            pcap_close(deadHandle)
            throw .cannotAppend(name: path, reason: reason)
        }
        self.init(name: path, deadHandle: deadHandle, dumper: dumper, syncPolicy: syncPolicy, clock: clock,
                  snapshotLength: scan.snapshotLength, existingRecordCount: scan.recordCount,
                  truncatedTailBytes: scan.fileLength - scan.validLength)
        existingLastTime = scan.lastTime
        // An empty file has just been given its header; get it out of the stdio buffer.
        try flushAndSynchronize(force: false)
    }

    private init(name: String, deadHandle: OpaquePointer, dumper: OpaquePointer, syncPolicy: SyncPolicy,
                 clock: @escaping () -> Int64, snapshotLength: Int, existingRecordCount: Int,
                 truncatedTailBytes: Int64) {
        self.name = name
        self.deadHandle = deadHandle
        self.dumper = dumper
        self.syncPolicy = syncPolicy
        self.clock = clock
        self.lastSynchronization = clock()
        self.maximumPayloadPerRecord = snapshotLength - Self.prefixAllowance
        self.existingRecordCount = existingRecordCount
        self.truncatedTailBytes = truncatedTailBytes
        self.canSynchronize = SystemCalls.isRegularFile(fileno(pcap_dump_file(dumper)))
        recordBuffer.reserveCapacity(min(snapshotLength, 4096))
    }

    deinit {
        try? close()
    }

    /// The default clock for the sync interval: `CLOCK_MONOTONIC` in nanoseconds, which
    /// wall-clock steps do not move.
    public static func monotonicNanoseconds() -> Int64 {
        SystemCalls.monotonicNanoseconds()
    }

    private static func openDeadHandle(snapshotLength: Int) -> OpaquePointer {
        guard let handle = pcap_open_dead_with_tstamp_precision(
            LinkType.wiresharkUpperPDU, Int32(snapshotLength), UInt32(PCAP_TSTAMP_PRECISION_NANO))
        else {
            // pcap_open_dead fails only when malloc does.
            fatalError("libpcap could not allocate a pcap_t")
        }
        return handle
    }

    /// Validates the capture behind `descriptor` and cuts its torn tail.
    private static func prepareForAppending(descriptor: Int32, name: String,
                                            synchronize: Bool) throws(CaptureError) -> CaptureFileScanner.Result {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .cannotAppend(name: name, reason: SystemCalls.lastErrorDescription)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw .cannotAppend(name: name, reason: "it is not a regular file")
        }
        let fileLength = Int64(status.st_size)
        if fileLength == 0 {
            // libpcap writes the file header into an empty file.
            return CaptureFileScanner.Result(snapshotLength: snapshotLength, recordCount: 0, fileLength: 0,
                                             validLength: 0, tornTailReason: nil)
        }
        let scan: CaptureFileScanner.Result
        do {
            scan = try CaptureFileScanner.scan(descriptor: descriptor, fileLength: fileLength)
        } catch {
            switch error {
            case .notACapture: throw .notACapture(name: name)
            case .unsuitable(let reason): throw .cannotAppend(name: name, reason: reason)
            case .readFailed(let reason): throw .cannotRead(name: name, reason: reason)
            }
        }
        if scan.validLength < fileLength {
            guard ftruncate(descriptor, off_t(scan.validLength)) == 0 else {
                throw .cannotAppend(name: name, reason: "cannot cut its damaged tail: \(SystemCalls.lastErrorDescription)")
            }
            if synchronize {
                _ = SystemCalls.synchronizeData(descriptor)
            }
        }
        return scan
    }

    // MARK: - Writing

    /// Writes one chunk of serial bytes; chunks longer than ``maximumPayloadPerRecord``
    /// become several records with the same time. The chunk's `frame` is not stored: a
    /// record's frame is its position in the file.
    public func write(_ chunk: TraceChunk) throws(CaptureError) {
        // withUnsafeBytes rethrows untyped errors, so the typed one is carried out by hand.
        var failure: CaptureError?
        chunk.bytes.withUnsafeBytes { bytes in
            do throws(CaptureError) {
                try write(bytes, direction: chunk.direction, channel: chunk.channel, time: chunk.time)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Writes serial bytes from an array (the capture tap's records).
    public func write(_ bytes: [UInt8], direction: Direction, channel: UInt32 = 0, time: Timestamp,
                      sequence: UInt32? = nil) throws(CaptureError) {
        var failure: CaptureError?
        bytes.withUnsafeBytes { buffer in
            do throws(CaptureError) {
                try write(buffer, direction: direction, channel: channel, time: time, sequence: sequence)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Writes serial bytes without building a `TraceChunk` first (the capture tap's path).
    /// `sequence` is the chunk's number on its input (sniff mode; exported-PDU tag 30).
    public func write(_ bytes: UnsafeRawBufferPointer, direction: Direction, channel: UInt32 = 0,
                      time: Timestamp, sequence: UInt32? = nil) throws(CaptureError) {
        let (seconds, nanoseconds) = try pcapTime(time)
        var offset = 0
        repeat {
            let count = min(maximumPayloadPerRecord, bytes.count - offset)
            recordBuffer.removeAll(keepingCapacity: true)
            ExportedPDUHeader.appendSerialPrefix(direction: direction, channel: channel, sequence: sequence,
                                                  to: &recordBuffer)
            if count > 0 {
                recordBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
            }
            try dumpRecordBuffer(seconds: seconds, nanoseconds: nanoseconds)
            payloadBytesWritten += count
            offset += count
        } while offset < bytes.count
        try flushAndSynchronize(force: false)
    }

    /// Writes a recorder event: dissector `data-text-lines`, protocol text `ATTRACE`, and
    /// the event as one line of compact JSON (product.md §1).
    public func write(_ event: RecorderEvent) throws(CaptureError) {
        let (seconds, nanoseconds) = try pcapTime(event.time)
        let body = event.jsonBody
        guard body.count <= maximumPayloadPerRecord else {
            throw .eventTooLarge(name: name, size: body.count)
        }
        recordBuffer.removeAll(keepingCapacity: true)
        ExportedPDUHeader.appendEventPrefix(channel: event.channel, to: &recordBuffer)
        recordBuffer.append(contentsOf: body)
        try dumpRecordBuffer(seconds: seconds, nanoseconds: nanoseconds)
        try flushAndSynchronize(force: false)
    }

    /// Forces every record written so far to stable storage now, whatever the policy
    /// (for example before a planned power-off).
    public func synchronize() throws(CaptureError) {
        try flushAndSynchronize(force: true)
    }

    /// Flushes, syncs unless the policy is ``SyncPolicy/never``, and closes the file.
    /// Safe to call more than once; later writes throw.
    public func close() throws(CaptureError) {
        guard let dumper else { return }
        var failure: CaptureError?
        do {
            try flushAndSynchronize(force: syncPolicy != .never && recordsSinceSynchronization > 0)
        } catch {
            failure = error
        }
        pcap_dump_close(dumper)
        self.dumper = nil
        if let deadHandle {
            pcap_close(deadHandle)
            self.deadHandle = nil
        }
        if let failure { throw failure }
    }

    // MARK: - Internals

    /// The seconds and nanoseconds of `time`, checked against the signed 32-bit seconds
    /// field libpcap writes (it would silently wrap after 2038-01-19).
    private func pcapTime(_ time: Timestamp) throws(CaptureError) -> (seconds: Int64, nanoseconds: Int64) {
        let (seconds, nanoseconds) = time.secondsAndFraction
        guard seconds >= 0 && seconds <= Int64(Int32.max) else {
            throw .timestampOutOfRange(name: name, time: time)
        }
        return (seconds, nanoseconds)
    }

    private func dumpRecordBuffer(seconds: Int64, nanoseconds: Int64) throws(CaptureError) {
        guard let dumper else {
            throw .cannotWrite(name: name, reason: "the capture is closed")
        }
        var header = pcap_pkthdr()
        header.ts.tv_sec = .init(seconds)
        // With nanosecond precision libpcap writes tv_usec as the nanoseconds field.
        header.ts.tv_usec = .init(nanoseconds)
        header.caplen = UInt32(recordBuffer.count)
        header.len = UInt32(recordBuffer.count)
        recordBuffer.withUnsafeBufferPointer { record in
            pcap_dump(UnsafeMutablePointer<UInt8>(dumper), &header, record.baseAddress)
        }
        recordsWritten += 1
        recordsSinceSynchronization += 1
        fileBytesWritten += Int64(16 + recordBuffer.count)
    }

    /// Flushes stdio to the kernel, then syncs when the policy (or `force`) asks for it.
    private func flushAndSynchronize(force: Bool) throws(CaptureError) {
        guard let dumper else {
            throw .cannotWrite(name: name, reason: "the capture is closed")
        }
        guard pcap_dump_flush(dumper) == 0 else {
            throw .cannotWrite(name: name, reason: SystemCalls.lastErrorDescription)
        }
        guard canSynchronize else { return }
        let isDue: Bool
        switch syncPolicy {
        case .everyRecord:
            isDue = recordsSinceSynchronization > 0
        case .interval(let milliseconds):
            isDue = recordsSinceSynchronization > 0
                && clock() &- lastSynchronization >= Int64(milliseconds) &* 1_000_000
        case .never:
            isDue = false
        }
        guard isDue || force else { return }
        if let failure = SystemCalls.synchronizeData(fileno(pcap_dump_file(dumper))) {
            throw .cannotWrite(name: name, reason: failure.description)
        }
        syncsPerformed += 1
        recordsSinceSynchronization = 0
        lastSynchronization = clock()
    }
}
