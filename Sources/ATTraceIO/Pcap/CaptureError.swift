import ATTraceCore

/// Why a capture could not be opened, read or written (product.md §1, §6).
///
/// A damaged record inside a readable capture is not an error: the reader reports it as a
/// `diagnostic` and goes on. These cases are for inputs that cannot be used at all and
/// outputs that cannot be written; each names the file and prints as one line.
public enum CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file cannot be opened or read (missing, no permission, a directory, an I/O error).
    case cannotRead(name: String, reason: String)
    /// The input is neither a pcap nor a pcapng file (a text file, an empty file, …).
    case notACapture(name: String)
    /// A capture whose link type carries no serial traffic (Ethernet, …).
    case unsupportedLinkType(name: String, linkType: Int32)
    /// The output cannot be created or written (no permission, disk full, closed writer).
    case cannotWrite(name: String, reason: String)
    /// An existing capture that records cannot be appended to (pcapng, another link type,
    /// microsecond timestamps, the other byte order).
    case cannotAppend(name: String, reason: String)
    /// A time that classic pcap cannot store: its seconds field is a signed 32-bit count.
    case timestampOutOfRange(name: String, time: Timestamp)
    /// A recorder event whose JSON body does not fit in one record.
    case eventTooLarge(name: String, size: Int)

    public var description: String {
        switch self {
        case .cannotRead(let name, let reason):
            "cannot read \(name): \(reason)"
        case .notACapture(let name):
            "\(name) is not a pcap or pcapng file"
        case .unsupportedLinkType(let name, let linkType):
            "\(name) has link type \(linkType)\(LinkType.describe(linkType)), which carries no serial traffic "
                + "(attrace reads link types 252, 147–162, 250, 189 and 220)"
        case .cannotWrite(let name, let reason):
            "cannot write \(name): \(reason)"
        case .cannotAppend(let name, let reason):
            "cannot append to \(name): \(reason)"
        case .timestampOutOfRange(let name, let time):
            "cannot write \(name): time \(time.iso8601) is outside what a pcap file can store "
                + "(1970-01-01 to 2038-01-19)"
        case .eventTooLarge(let name, let size):
            "cannot write \(name): a recorder event of \(size) bytes does not fit in one record"
        }
    }
}
