/// One 3GPP TS 27.010 basic-option frame (formats.md §5):
/// `F9 | address | control | length (1–2 octets) | information | FCS | F9`.
public struct CMUXFrame: Hashable, Sendable {
    public static let flag: UInt8 = 0xF9

    /// The data link connection: 0 is the control channel, 1–63 are channels.
    public var dlci: UInt8
    /// The C/R bit of the address octet (commands from the initiator and responses from the
    /// responder have it set).
    public var commandResponse: Bool
    public var type: CMUXFrameType
    /// The P/F bit of the control octet.
    public var pollFinal: Bool
    public var information: [UInt8]
    /// The stream offsets (counted from the first byte fed to the deframer) of the bytes
    /// this frame accounts for: any flags after the previous frame or damage, through its
    /// closing flag. Frames and damage reports tile the stream without overlap.
    public var span: Range<Int>

    public init(dlci: UInt8, commandResponse: Bool, type: CMUXFrameType, pollFinal: Bool,
                information: [UInt8] = [], span: Range<Int> = 0..<0) {
        self.dlci = dlci
        self.commandResponse = commandResponse
        self.type = type
        self.pollFinal = pollFinal
        self.information = information
        self.span = span
    }

    public var addressOctet: UInt8 {
        (dlci << 2) | (commandResponse ? 0x02 : 0) | 0x01
    }

    public var controlOctet: UInt8 {
        type.control | (pollFinal ? CMUXFrameType.pollFinalBit : 0)
    }

    /// The length field: one octet up to 127 (EA set), else two octets, least significant
    /// seven bits first (n_gsm; formats.md §5: 300 → `58 02`).
    public static func lengthOctets(_ length: Int) -> [UInt8] {
        if length <= 127 {
            return [UInt8(length << 1) | 0x01]
        }
        return [UInt8((length & 0x7F) << 1), UInt8(truncatingIfNeeded: length >> 7)]
    }

    /// The frame as sent: opening flag through closing flag (used by tests and sample
    /// generators).
    public func encoded() -> [UInt8] {
        let header = [addressOctet, controlOctet] + Self.lengthOctets(information.count)
        let covered = type.checkCoversInformation ? header + information : header
        return [Self.flag] + header + information + [CMUXFrameCheck.sequence(over: covered), Self.flag]
    }

    /// A one-line description: `UIH DLCI 1 (C/R) 3 B`, `SABM DLCI 0 P`.
    public var summary: String {
        var text = "\(type.name) DLCI \(dlci)"
        if pollFinal { text += type == .sabm || type == .disconnect ? " P" : " F" }
        if !information.isEmpty { text += " \(information.count) B" }
        return text
    }
}
