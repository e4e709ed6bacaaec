import ATTraceCore

/// Writing the TLV prefix of attrace's records, exactly as product.md §1 specifies.
///
/// A channel-0 AT record starts with this 20-byte prefix (formats.md §1.1):
///
///     00 0c 00 04  61 74 00 00      tag 12, length 4, "at\0\0"
///     00 23 00 04  00 00 00 0X      tag 35, length 4, 0 = host→modem, 1 = modem→host
///     00 00 00 00                   end of options
///
/// Tags 25 and 26 (the channel) follow tag 12 only when the channel is not 0; tag 35 is
/// left out for `.unknown`; tag 30 only on sniffed records. Tags are written in numeric order, as Wireshark's exporter does.
extension ExportedPDUHeader {
    /// The longest prefix either encoder writes (an event on a channel other than 0).
    static let maximumPrefixLength = 4 + 16 + 2 * (4 + 4) + 4 + 8 + 4

    /// Appends the TLVs of a serial-bytes record; `sequence` (the chunk's number on its
    /// input, written by the two-input sniffer) goes into tag 30, the original frame number.
    static func appendSerialPrefix(direction: Direction, channel: UInt32, sequence: UInt32? = nil,
                                   to out: inout [UInt8]) {
        appendText(tag: Tag.dissectorName, "at", to: &out)
        appendChannel(channel, to: &out)
        if let sequence {
            appendUInt32(tag: Tag.originalFrameNumber, sequence, to: &out)
        }
        switch direction {
        case .host: appendUInt32(tag: Tag.peerToPeerDirection, 0, to: &out)
        case .modem: appendUInt32(tag: Tag.peerToPeerDirection, 1, to: &out)
        case .unknown: break
        }
        appendEnd(to: &out)
    }

    /// Appends the TLVs of a recorder-event record (dissector `data-text-lines`, protocol
    /// column `ATTRACE`); the JSON body follows them.
    static func appendEventPrefix(channel: UInt32, to out: inout [UInt8]) {
        appendText(tag: Tag.dissectorName, "data-text-lines", to: &out)
        appendChannel(channel, to: &out)
        appendText(tag: Tag.protocolColumnText, "ATTRACE", to: &out)
        appendEnd(to: &out)
    }

    private static func appendChannel(_ channel: UInt32, to out: inout [UInt8]) {
        guard channel != 0 else { return }
        appendUInt32(tag: Tag.sourcePort, channel, to: &out)
        appendUInt32(tag: Tag.destinationPort, channel, to: &out)
    }

    /// A string value padded with NULs to a multiple of 4 (at least one NUL), the padding
    /// counted in the length, as Wireshark's own exporter writes names.
    private static func appendText(tag: UInt16, _ text: StaticString, to out: inout [UInt8]) {
        let length = text.utf8CodeUnitCount
        let padded = (length + 4) & ~3
        appendUInt16(tag, to: &out)
        appendUInt16(UInt16(padded), to: &out)
        text.withUTF8Buffer { out.append(contentsOf: $0) }
        for _ in length..<padded {
            out.append(0)
        }
    }

    private static func appendUInt32(tag: UInt16, _ value: UInt32, to out: inout [UInt8]) {
        appendUInt16(tag, to: &out)
        appendUInt16(4, to: &out)
        out.append(UInt8(truncatingIfNeeded: value >> 24))
        out.append(UInt8(truncatingIfNeeded: value >> 16))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }

    private static func appendEnd(to out: inout [UInt8]) {
        appendUInt16(Tag.endOfOptions, to: &out)
        appendUInt16(0, to: &out)
    }

    private static func appendUInt16(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }
}
