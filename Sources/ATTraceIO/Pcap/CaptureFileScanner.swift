import ATTraceCore

/// Checks an existing attrace capture before records are appended to it and finds where
/// its valid records end (product.md §1: "appending first truncates a torn tail";
/// formats.md §3.6).
///
/// libpcap's `pcap_dump_open_append` checks only the file header; appending after a torn
/// record corrupts every record that follows. So each record is validated:
///
///     24-byte header: magic a1b23c4d (ns, this host's byte order), version 2.4,
///                     link type 252, snapshot length
///     then records:   16-byte header (seconds, nanoseconds, caplen, len) + caplen bytes
///
/// A record is valid when its header and data are complete, caplen ≤ snaplen,
/// caplen = len, nanoseconds < 10⁹, its exported-PDU TLVs reach an end tag inside caplen,
/// and its time is not earlier than the previous record's. The first record that fails
/// starts the torn tail; nothing after it is trusted.
struct CaptureFileScanner {
    /// What the scan found.
    struct Result: Equatable {
        var snapshotLength: Int
        /// Valid records before the torn tail (or the end of the file).
        var recordCount: Int
        /// The size of the file when it was scanned.
        var fileLength: Int64
        /// Bytes from the start of the file to the end of the last valid record.
        var validLength: Int64
        /// Why the tail is torn, or `nil` when every byte belongs to a valid record.
        var tornTailReason: String?
        /// The time of the last valid record (a tap appending never writes earlier ones).
        var lastTime: Timestamp?
    }

    /// Why records cannot be appended at all.
    enum Rejection: Error, Equatable {
        /// Not a pcap or pcapng file.
        case notACapture
        /// A capture, but one libpcap cannot append attrace records to.
        case unsuitable(reason: String)
        /// The file could not be read.
        case readFailed(reason: String)
    }

    static let fileHeaderLength = 24
    static let recordHeaderLength = 16
    static let nanosecondMagic: UInt32 = 0xa1b2_3c4d
    static let microsecondMagic: UInt32 = 0xa1b2_c3d4
    static let pcapngMagic: UInt32 = 0x0a0d_0d0a
    /// The largest snapshot length libpcap accepts for link type 252.
    static let maximumSnapshotLength = 262_144
    /// Below this, a record could not hold the TLV prefix and a useful payload.
    static let minimumSnapshotLength = 1024

    /// Scans the file behind `descriptor` from its current offset (the start).
    static func scan(descriptor: Int32, fileLength: Int64) throws(Rejection) -> Result {
        let reader = BufferedFileReader(descriptor: descriptor, capacity: 1 << 20)
        guard let fileHeader = try read(reader, count: fileHeaderLength) else {
            throw .notACapture
        }
        let snapshotLength = try checkFileHeader(fileHeader)
        var result = Result(snapshotLength: snapshotLength, recordCount: 0, fileLength: fileLength,
                            validLength: Int64(fileHeaderLength), tornTailReason: nil)
        var previousTime: Timestamp?
        while true {
            guard let header = try read(reader, count: recordHeaderLength) else {
                if result.validLength < fileLength {
                    result.tornTailReason = "the header of record \(result.recordCount + 1) is incomplete"
                }
                break
            }
            let seconds = Int64(Int32(bitPattern: header.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            let nanoseconds = header.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            let capturedLength = Int(header.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            let originalLength = Int(header.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
            let recordNumber = result.recordCount + 1
            if capturedLength > snapshotLength {
                result.tornTailReason = "record \(recordNumber) claims \(capturedLength) bytes, more than the snapshot length"
                break
            }
            if capturedLength != originalLength {
                result.tornTailReason = "record \(recordNumber) has captured length \(capturedLength) but length \(originalLength)"
                break
            }
            if nanoseconds >= 1_000_000_000 {
                result.tornTailReason = "record \(recordNumber) has an impossible time (\(nanoseconds) ns)"
                break
            }
            guard let data = try read(reader, count: capturedLength) else {
                result.tornTailReason = "record \(recordNumber) is incomplete"
                break
            }
            do {
                _ = try ExportedPDUHeader(parsing: data)
            } catch {
                result.tornTailReason = "record \(recordNumber) is damaged: \(error)"
                break
            }
            let time = Timestamp(seconds: seconds, nanoseconds: Int64(nanoseconds))
            if let previousTime, time < previousTime {
                result.tornTailReason = "record \(recordNumber) is earlier than the record before it"
                break
            }
            previousTime = time
            result.lastTime = time
            result.recordCount = recordNumber
            result.validLength += Int64(recordHeaderLength + capturedLength)
        }
        return result
    }

    private static func read(_ reader: BufferedFileReader, count: Int) throws(Rejection) -> UnsafeRawBufferPointer? {
        do {
            return try reader.read(count: count)
        } catch {
            throw .readFailed(reason: error.description)
        }
    }

    /// Checks the 24-byte file header and returns the snapshot length.
    private static func checkFileHeader(_ header: UnsafeRawBufferPointer) throws(Rejection) -> Int {
        let magic = header.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        switch magic {
        case nanosecondMagic:
            break
        case nanosecondMagic.byteSwapped:
            // libpcap refuses to append to a file of the other byte order.
            throw .unsuitable(reason: "it was written with the other byte order")
        case microsecondMagic, microsecondMagic.byteSwapped:
            throw .unsuitable(reason: "it has microsecond timestamps; attrace writes nanoseconds")
        case pcapngMagic:
            throw .unsuitable(reason: "it is a pcapng file; libpcap appends only to classic pcap")
        default:
            throw .notACapture
        }
        let major = header.loadUnaligned(fromByteOffset: 4, as: UInt16.self)
        let minor = header.loadUnaligned(fromByteOffset: 6, as: UInt16.self)
        guard major == 2, minor == 4 else {
            throw .unsuitable(reason: "its pcap version is \(major).\(minor), not 2.4")
        }
        let snapshotLength = Int(header.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        let linkType = header.loadUnaligned(fromByteOffset: 20, as: UInt32.self)
        guard linkType == UInt32(LinkType.wiresharkUpperPDU) else {
            throw .unsuitable(reason: "its link type is \(linkType), not \(LinkType.wiresharkUpperPDU)")
        }
        guard (minimumSnapshotLength...maximumSnapshotLength).contains(snapshotLength) else {
            throw .unsuitable(reason: "its snapshot length \(snapshotLength) is outside "
                + "\(minimumSnapshotLength)…\(maximumSnapshotLength)")
        }
        return snapshotLength
    }
}
