import ATTraceCore

/// The exported-PDU TLV list in front of each linktype-252 record (product.md §1,
/// formats.md §1.1), parsed in place: no copy, no allocation.
///
///     +--------+--------+---------------------------+
///     | type   | length | value (length bytes)      |   repeated …
///     | u16 BE | u16 BE | not padded or aligned     |
///     +--------+--------+---------------------------+
///     | 0x0000 | 0x0000 |   end of options
///     +--------+--------+
///     | payload: the serial bytes, or a recorder event's JSON body …
///
/// Only the tags attrace uses are interpreted; every other tag (the deprecated 10, IP
/// addresses, newer tags) is skipped by its length, as Wireshark does.
struct ExportedPDUHeader {
    /// Tag numbers from Wireshark's `exported_pdu_tlvs.h`; attrace never invents its own.
    enum Tag {
        static let endOfOptions: UInt16 = 0
        static let optionsLength: UInt16 = 10
        static let dissectorName: UInt16 = 12
        static let sourcePort: UInt16 = 25
        static let destinationPort: UInt16 = 26
        static let originalFrameNumber: UInt16 = 30
        static let protocolColumnText: UInt16 = 33
        static let peerToPeerDirection: UInt16 = 35
    }

    /// Why a TLV list cannot be used.
    enum Malformation: Error, Equatable, CustomStringConvertible {
        /// A TLV's header or value runs past the end of the captured bytes.
        case tagRunsPastEnd(tag: UInt16, offset: Int, recordLength: Int)
        /// The captured bytes end exactly after a TLV, with no end-of-options tag.
        case missingEnd(recordLength: Int)

        var description: String {
            switch self {
            case .tagRunsPastEnd(let tag, let offset, let recordLength):
                "exported-PDU tag \(tag) at byte \(offset) runs past the end of the \(recordLength)-byte record"
            case .missingEnd(let recordLength):
                "the \(recordLength)-byte record has no exported-PDU end-of-options tag"
            }
        }
    }

    /// Tag 35, when present with a known value: 0 sent by the host, 1 received from the modem.
    var direction: Direction = .unknown
    /// Tag 25 (or 26 when only it is present): the logical channel; 0 when absent.
    var channel: UInt32 = 0
    /// Where tag 12's value sits in the record, trailing NULs removed.
    var dissectorName: Range<Int>?
    /// Where tag 33's value sits in the record, trailing NULs removed.
    var protocolColumnText: Range<Int>?
    /// Where the payload starts: right after the end-of-options tag.
    var payloadOffset = 0

    /// An empty header (no tags: unknown direction, channel 0).
    init() {}

    init(parsing record: UnsafeRawBufferPointer) throws(Malformation) {
        var offset = 0
        var sourcePort: UInt32?
        var destinationPort: UInt32?
        while true {
            guard offset + 4 <= record.count else {
                if offset == record.count { throw .missingEnd(recordLength: record.count) }
                throw .tagRunsPastEnd(tag: offset + 2 <= record.count ? Self.readUInt16(record, at: offset) : 0,
                                      offset: offset, recordLength: record.count)
            }
            let tag = Self.readUInt16(record, at: offset)
            let length = Int(Self.readUInt16(record, at: offset + 2))
            let valueStart = offset + 4
            if tag == Tag.endOfOptions {
                // The end tag's length is 0 by definition; honouring a non-zero one would
                // swallow payload bytes, so the payload starts right after its 4 bytes.
                payloadOffset = valueStart
                break
            }
            guard valueStart + length <= record.count else {
                throw .tagRunsPastEnd(tag: tag, offset: offset, recordLength: record.count)
            }
            let value = valueStart..<(valueStart + length)
            switch tag {
            case Tag.dissectorName:
                dissectorName = Self.trimmingTrailingNULs(value, in: record)
            case Tag.protocolColumnText:
                protocolColumnText = Self.trimmingTrailingNULs(value, in: record)
            case Tag.peerToPeerDirection where length == 4:
                switch Self.readUInt32(record, at: valueStart) {
                case 0: direction = .host
                case 1: direction = .modem
                default: direction = .unknown
                }
            case Tag.sourcePort where length == 4:
                sourcePort = Self.readUInt32(record, at: valueStart)
            case Tag.destinationPort where length == 4:
                destinationPort = Self.readUInt32(record, at: valueStart)
            default:
                break
            }
            offset = value.upperBound
        }
        channel = sourcePort ?? destinationPort ?? 0
    }

    /// Whether this is a recorder event: dissector `data-text-lines` with protocol text
    /// `ATTRACE` (product.md §1).
    func isRecorderEvent(in record: UnsafeRawBufferPointer) -> Bool {
        guard let dissectorName, let protocolColumnText else { return false }
        return Self.bytes(record, in: dissectorName, equal: "data-text-lines")
            && Self.bytes(record, in: protocolColumnText, equal: "ATTRACE")
    }

    /// The dissector name as text (for messages; the fast path never builds it).
    func dissectorNameText(in record: UnsafeRawBufferPointer) -> String? {
        dissectorName.map { String(decoding: UnsafeRawBufferPointer(rebasing: record[$0]), as: UTF8.self) }
    }

    // MARK: - Byte access

    @inline(__always)
    static func readUInt16(_ record: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(bigEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    static func readUInt32(_ record: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func trimmingTrailingNULs(_ range: Range<Int>, in record: UnsafeRawBufferPointer) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound && record[end - 1] == 0 {
            end -= 1
        }
        return range.lowerBound..<end
    }

    private static func bytes(_ record: UnsafeRawBufferPointer, in range: Range<Int>, equal text: StaticString) -> Bool {
        text.withUTF8Buffer { expected in
            guard expected.count == range.count else { return false }
            var index = 0
            while index < expected.count {
                guard record[range.lowerBound + index] == expected[index] else { return false }
                index += 1
            }
            return true
        }
    }
}
