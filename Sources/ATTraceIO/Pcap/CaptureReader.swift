#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import CPcap

/// Reads a pcap or pcapng capture through libpcap and turns its records into
/// `CaptureRecord`s (product.md §1 capture format, §6 reliability).
///
/// Accepted inputs:
/// - link type 252 (exported PDU): tag 12 names the dissector, 35 the direction, 25/26 the
///   channel; records with dissector `data-text-lines` and tag 33 `ATTRACE` are recorder
///   events (a one-line JSON object); every other record is serial bytes.
/// - link types 147–162 (USER0–15) and 250 (RTAC serial): each record is serial bytes of
///   unknown direction on channel 0.
/// - link types 189 and 220 (usbmon) open, but their records need a usbmon importer,
///   which reads them through ``forEachPacket(_:)``.
///
/// Timestamps are always read with nanosecond precision (libpcap scales microsecond
/// files). A damaged tail (libpcap's "truncated dump file", "invalid packet capture
/// length") ends the records with one `truncatedCapture` diagnostic; every record before it
/// is delivered. Malformed and snapped records become diagnostics and reading goes on.
///
/// The reader is a class because it owns a `pcap_t`; it closes it in ``close()`` or on
/// deinit. It is not thread-safe: use it from one task at a time.
public final class CaptureReader {
    /// How the records of a link type are interpreted.
    private enum RecordLayout {
        case exportedPDU
        case rawSerial
        case usbMonitor
    }

    /// The file name used in messages (`standard input` for `-`).
    public let name: String
    /// The link-layer header type of the records, as libpcap reports it.
    public let linkType: Int32
    /// Whether the input is pcapng rather than classic pcap.
    public let isPcapng: Bool
    /// The snapshot length from the file header: the largest record libpcap returns.
    public let snapshotLength: Int

    // The state below is read and written for every record. A reader is used by one thread
    // at a time (it is not Sendable) and no access overlaps another, so the dynamic
    // exclusivity checks of class properties, which cost more than interpreting a record's
    // header, are left out.
    @exclusivity(unchecked) private var handle: OpaquePointer?
    private let layout: RecordLayout
    /// Records delivered so far; the next one gets `frame + 1`.
    @exclusivity(unchecked) private var frame = 0
    @exclusivity(unchecked) private var lastTime: Timestamp?
    @exclusivity(unchecked) private var isAtEnd = false
    /// The damaged-tail diagnostic, until it has been delivered once.
    @exclusivity(unchecked) private var endDiagnostic: Diagnostic?
    /// Records of the current packet not yet returned by ``next()``.
    @exclusivity(unchecked) private var pending: [CaptureRecord] = []
    @exclusivity(unchecked) private var pendingHead = 0
    /// The TLV lists of the latest records of each direction, with their parse: a capture
    /// repeats a few lists (one per direction and channel), and comparing bytes costs far
    /// less than parsing them again.
    @exclusivity(unchecked) private var recentHeaders = RecentHeaders()

    // MARK: - Opening

    /// Opens the capture at `path`; `-` reads standard input.
    public convenience init(path: String) throws(CaptureError) {
        if path == "-" {
            try self.init(fileDescriptor: STDIN_FILENO, name: "standard input")
            return
        }
        guard let file = fopen(path, "rb") else {
            throw .cannotRead(name: path, reason: SystemCalls.lastErrorDescription)
        }
        // fopen opens a directory for reading on Linux; the first read would then fail
        // with a less direct message from libpcap.
        if SystemCalls.isDirectory(fileno(file)) {
            fclose(file)
            throw .cannotRead(name: path, reason: SystemCalls.describe(errorNumber: EISDIR))
        }
        try self.init(file: file, name: path)
    }

    /// Reads from a duplicate of `fileDescriptor` (a pipe, a socket, standard input); the
    /// caller keeps and closes the original.
    public convenience init(fileDescriptor: Int32, name: String) throws(CaptureError) {
        switch SystemCalls.duplicateStream(of: fileDescriptor, mode: "rb") {
        case .success(let file):
            try self.init(file: file, name: name)
        case .failure(let failure):
            throw .cannotRead(name: name, reason: failure.description)
        }
    }

    /// Reads from an open stdio stream and takes ownership of it: the reader closes it,
    /// also when this initializer throws.
    public init(file: UnsafeMutablePointer<FILE>, name: String) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_fopen_offline_with_tstamp_precision(
            file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            // pcap_fopen_offline leaves the stream open when it fails.
            fclose(file)
            throw Self.openingError(name: name, message: SystemCalls.string(fromErrorBuffer: errorBuffer))
        }
        let linkType = pcap_datalink(handle)
        let layout: RecordLayout
        if linkType == LinkType.wiresharkUpperPDU {
            layout = .exportedPDU
        } else if LinkType.isRawSerial(linkType) {
            layout = .rawSerial
        } else if LinkType.isUSBMonitor(linkType) {
            layout = .usbMonitor
        } else {
            pcap_close(handle)
            throw .unsupportedLinkType(name: name, linkType: linkType)
        }
        self.name = name
        self.handle = handle
        self.linkType = linkType
        self.layout = layout
        // libpcap keeps the file's version: 2.x for classic pcap, and the section header's
        // 1.x for pcapng. Unlike peeking at the magic number, this works on pipes too.
        self.isPcapng = pcap_major_version(handle) == 1
        self.snapshotLength = Int(pcap_snapshot(handle))
    }

    deinit {
        close()
    }

    /// Closes the capture; later calls read nothing. Safe to call more than once.
    public func close() {
        guard let handle else { return }
        pcap_close(handle)
        self.handle = nil
        isAtEnd = true
    }

    /// Sorts libpcap's open failures into "not a capture" and "cannot read".
    private static func openingError(name: String, message: String) -> CaptureError {
        // libpcap says "unknown file format" for any other magic number, and fails to read
        // the 4-byte magic itself on inputs shorter than that (an empty file).
        if message.hasPrefix("unknown file format")
            || message.hasPrefix("truncated dump file; tried to read 4 file header bytes") {
            return .notACapture(name: name)
        }
        return .cannotRead(name: name, reason: message)
    }

    // MARK: - Reading

    /// The next record, with its bytes copied; `nil` at the end of the capture.
    ///
    /// A damaged tail is delivered as one last `truncatedCapture` diagnostic before `nil`.
    public func next() -> CaptureRecord? {
        while pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
            let hadPacket = readPacket { packet in
                interpret(packet) { record in pending.append(record.copied()) }
            } != nil
            if !hadPacket {
                return takeEndDiagnostic().map(CaptureRecord.diagnostic)
            }
        }
        let record = pending[pendingHead]
        pendingHead += 1
        return record
    }

    /// Hands every remaining record to `body`, in file order, without copying serial
    /// bytes: the fast path for decoding large captures.
    ///
    /// A damaged tail is delivered as one last `truncatedCapture` diagnostic.
    public func forEachRecord(_ body: (RawRecord) throws -> Void) rethrows {
        // Records that next() read ahead are handed over first, so the two can be mixed.
        while pendingHead < pending.count {
            let record = pending[pendingHead]
            pendingHead += 1
            try record.withRawRecord(body)
        }
        while try readPacket({ packet in try interpret(packet, body) }) != nil {}
        if let diagnostic = takeEndDiagnostic() {
            try body(.diagnostic(diagnostic))
        }
    }

    /// Hands every remaining record to `body` exactly as libpcap returns it, for importers
    /// of link types the reader does not interpret (usbmon).
    ///
    /// - Returns: the `truncatedCapture` diagnostic when the capture ends in a damaged
    ///   record, `nil` when it ends cleanly.
    @discardableResult
    public func forEachPacket(_ body: (PcapPacket) throws -> Void) rethrows -> Diagnostic? {
        while try readPacket(body) != nil {}
        return takeEndDiagnostic()
    }

    /// Reads one record and passes it to `body`; `nil` at the end of the capture, after
    /// recording a damaged tail in `endDiagnostic`.
    @inline(__always)
    private func readPacket<Result>(_ body: (PcapPacket) throws -> Result) rethrows -> Result? {
        guard !isAtEnd, let handle else { return nil }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let status = pcap_next_ex(handle, &header, &data)
        guard status == 1, let header else {
            isAtEnd = true
            if status == PCAP_ERROR {
                let message = String(cString: pcap_geterr(handle))
                endDiagnostic = Diagnostic(
                    code: .truncatedCapture, message: "capture ends in a damaged record: \(message)",
                    time: lastTime, frame: frame + 1)
            }
            // PCAP_ERROR_BREAK (-2) is the clean end of a file; 0 (a live-capture timeout)
            // cannot happen offline and ends the input rather than looping.
            return nil
        }
        frame += 1
        // With nanosecond precision libpcap stores nanoseconds in tv_usec.
        let time = Timestamp(seconds: Int64(header.pointee.ts.tv_sec), nanoseconds: Int64(header.pointee.ts.tv_usec))
        lastTime = time
        let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : Int(header.pointee.caplen))
        return try body(PcapPacket(frame: frame, time: time, bytes: bytes, originalLength: Int(header.pointee.len)))
    }

    private func takeEndDiagnostic() -> Diagnostic? {
        defer { endDiagnostic = nil }
        return endDiagnostic
    }

    // MARK: - Interpreting records

    /// Turns one packet into one record, plus a `snappedRecord` diagnostic when the capture
    /// cut it short.
    @inline(__always)
    private func interpret(_ packet: PcapPacket, _ body: (RawRecord) throws -> Void) rethrows {
        switch layout {
        case .exportedPDU:
            try interpretExportedPDU(packet, body)
        case .rawSerial:
            try body(.chunk(ChunkView(time: packet.time, frame: packet.frame, channel: 0,
                                      direction: .unknown, bytes: packet.bytes)))
            if packet.isSnapped {
                try body(.diagnostic(snappedDiagnostic(packet, channel: 0, direction: .unknown)))
            }
        case .usbMonitor:
            try body(.diagnostic(Diagnostic(
                code: .unreadableRecord,
                message: "record \(packet.frame) is a usbmon record (link type \(linkType)); it needs the usbmon importer",
                time: packet.time, frame: packet.frame, bytes: Array(packet.bytes))))
        }
    }

    @inline(__always)
    private func interpretExportedPDU(_ packet: PcapPacket, _ body: (RawRecord) throws -> Void) rethrows {
        let record = packet.bytes
        let header: ExportedPDUHeader
        do {
            if let recent = recentHeaders.header(of: record) {
                header = recent
            } else {
                header = try ExportedPDUHeader(parsing: record)
                recentHeaders.remember(header, of: record)
            }
        } catch {
            var message = "record \(packet.frame) is unreadable: \(error)"
            if packet.isSnapped {
                message += " (the capture kept \(record.count) of its \(packet.originalLength) bytes)"
            }
            try body(.diagnostic(Diagnostic(code: .unreadableRecord, message: message, time: packet.time,
                                            frame: packet.frame, bytes: Array(record))))
            return
        }
        let payload = UnsafeRawBufferPointer(rebasing: record[header.payloadOffset...])
        if header.isRecorderEvent(in: record) {
            if let event = RecorderEvent(time: packet.time, frame: packet.frame, channel: header.channel,
                                         json: Array(payload)) {
                try body(.event(event))
            } else {
                try body(.diagnostic(Diagnostic(
                    code: .unreadableRecord,
                    message: "record \(packet.frame) is a recorder event whose body is not a JSON object",
                    time: packet.time, frame: packet.frame, channel: header.channel, bytes: Array(payload))))
            }
        } else {
            try body(.chunk(ChunkView(time: packet.time, frame: packet.frame, channel: header.channel,
                                      direction: header.direction, bytes: payload)))
        }
        if packet.isSnapped {
            try body(.diagnostic(snappedDiagnostic(packet, channel: header.channel, direction: header.direction)))
        }
    }

    private func snappedDiagnostic(_ packet: PcapPacket, channel: UInt32, direction: Direction) -> Diagnostic {
        Diagnostic(
            code: .snappedRecord,
            message: "record \(packet.frame) was cut short by the capture: "
                + "\(packet.originalLength - packet.bytes.count) of its \(packet.originalLength) bytes are missing",
            time: packet.time, frame: packet.frame, channel: channel, direction: direction)
    }
}

/// The last two exported-PDU TLV lists a reader parsed, by their bytes. Two named slots
/// rather than arrays of arrays, and `mutating` lookups: the lists are compared in place,
/// without retaining them on every record.
private struct RecentHeaders {
    private struct Slot {
        var list: [UInt8] = []
        var header = ExportedPDUHeader()

        mutating func matches(_ record: UnsafeRawBufferPointer) -> Bool {
            guard !list.isEmpty, record.count >= list.count else { return false }
            return list.withUnsafeBytes { memcmp($0.baseAddress!, record.baseAddress!, $0.count) == 0 }
        }
    }

    private var newest = Slot()
    private var older = Slot()

    /// The parse of `record`'s TLV list when it is byte for byte one of the two kept.
    mutating func header(of record: UnsafeRawBufferPointer) -> ExportedPDUHeader? {
        if newest.matches(record) { return newest.header }
        if older.matches(record) { return older.header }
        return nil
    }

    mutating func remember(_ header: ExportedPDUHeader, of record: UnsafeRawBufferPointer) {
        swap(&newest, &older)
        newest.list.removeAll(keepingCapacity: true)
        newest.list.append(contentsOf: UnsafeRawBufferPointer(rebasing: record[..<header.payloadOffset]))
        newest.header = header
    }
}
