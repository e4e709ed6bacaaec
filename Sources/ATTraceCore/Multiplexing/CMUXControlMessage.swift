/// One multiplexer control message from the information field of a UIH frame on DLCI 0
/// (3GPP TS 27.010 §5.4.6; formats.md §5): a type octet (EA, C/R, six type bits), an
/// EA-encoded length, then the values. One frame may carry several messages.
public struct CMUXControlMessage: Hashable, Sendable {
    /// The message types of basic option, by the six type bits (n_gsm `CMD_*` >> 1).
    public enum Kind: Hashable, Sendable {
        /// PN: DLC parameter negotiation.
        case parameterNegotiation(ParameterNegotiation)
        /// PSC: power saving control.
        case powerSaving
        /// CLD: multiplexer close down.
        case closeDown
        /// Test: the peer echoes the test pattern.
        case test(pattern: [UInt8])
        /// FCon: the sender can receive again.
        case flowControlOn
        /// FCoff: the sender cannot receive.
        case flowControlOff
        /// MSC: modem status (V.24 signals) of one DLCI.
        case modemStatus(ModemStatus)
        /// NSC: the peer did not understand a message of this type octet.
        case notSupported(type: UInt8)
        /// RPN: remote port negotiation (values kept raw).
        case remotePortNegotiation
        /// RLS: remote line status (values kept raw).
        case remoteLineStatus
        /// SNC: service negotiation (values kept raw).
        case serviceNegotiation
        /// A type basic option does not define.
        case unknown(type: UInt8)
    }

    /// PN values (27.010 §5.4.6.3.1).
    public struct ParameterNegotiation: Hashable, Sendable {
        public var dlci: UInt8
        /// Frame type of the DLC (0 = UIH) and convergence layer (0 = type 1).
        public var frameType: UInt8
        public var convergenceLayer: UInt8
        public var priority: UInt8
        /// Acknowledgement timer T1, in units of 10 ms.
        public var acknowledgementTimer: UInt8
        /// Maximum frame size N1.
        public var maximumFrameSize: Int
        /// Maximum number of retransmissions N2.
        public var maximumRetransmissions: UInt8
        /// Window size k (error-recovery mode only).
        public var windowSize: UInt8
    }

    /// MSC values (27.010 §5.4.6.3.7): the DLCI and its V.24 signals.
    public struct ModemStatus: Hashable, Sendable {
        public var dlci: UInt8
        /// The raw V.24 signal octet.
        public var signals: UInt8
        /// Break signal octet, when present.
        public var breakSignal: UInt8?

        public var flowControl: Bool { signals & 0x02 != 0 }
        public var readyToCommunicate: Bool { signals & 0x04 != 0 }
        public var readyToReceive: Bool { signals & 0x08 != 0 }
        public var incomingCall: Bool { signals & 0x40 != 0 }
        public var dataValid: Bool { signals & 0x80 != 0 }
    }

    public var kind: Kind
    /// The C/R bit of the type octet: set on a command, clear on the response.
    public var isCommand: Bool
    /// The type octet as sent.
    public var typeOctet: UInt8
    /// The value octets as sent.
    public var value: [UInt8]

    /// The six type bits of each message (the type octet is `type << 2 | C/R << 1 | EA`).
    public enum TypeCode {
        public static let parameterNegotiation: UInt8 = 0x20
        public static let powerSaving: UInt8 = 0x10
        public static let closeDown: UInt8 = 0x30
        public static let test: UInt8 = 0x08
        public static let flowControlOn: UInt8 = 0x28
        public static let flowControlOff: UInt8 = 0x18
        public static let modemStatus: UInt8 = 0x38
        public static let notSupported: UInt8 = 0x04
        public static let remotePortNegotiation: UInt8 = 0x24
        public static let remoteLineStatus: UInt8 = 0x14
        public static let serviceNegotiation: UInt8 = 0x34
    }

    public init(kind: Kind, isCommand: Bool, typeOctet: UInt8, value: [UInt8]) {
        self.kind = kind
        self.isCommand = isCommand
        self.typeOctet = typeOctet
        self.value = value
    }

    /// Why an information field is not a sequence of control messages.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses every message of a DLCI 0 information field.
    public static func parse(_ information: [UInt8]) throws(ParseError) -> [CMUXControlMessage] {
        var messages: [CMUXControlMessage] = []
        var index = 0
        while index < information.count {
            let typeOctet = information[index]
            index += 1
            guard typeOctet & 0x01 == 1 else {
                throw ParseError(description: "control message type octet 0x\(hex(typeOctet)) has no EA bit")
            }
            // The length is EA-encoded: seven bits per octet, least significant first.
            var length = 0
            var shift = 0
            while true {
                guard index < information.count else {
                    throw ParseError(description: "control message 0x\(hex(typeOctet)) ends inside its length")
                }
                let octet = information[index]
                index += 1
                guard shift < 28 else {
                    throw ParseError(description: "control message 0x\(hex(typeOctet)) has an overlong length")
                }
                length |= Int(octet >> 1) << shift
                shift += 7
                if octet & 0x01 == 1 { break }
            }
            guard length <= information.count - index else {
                throw ParseError(description: "control message 0x\(hex(typeOctet)) declares \(length) value bytes "
                                 + "but \(information.count - index) follow")
            }
            let value = Array(information[index..<(index + length)])
            index += length
            messages.append(try message(typeOctet: typeOctet, value: value))
        }
        return messages
    }

    private static func message(typeOctet: UInt8, value: [UInt8]) throws(ParseError) -> CMUXControlMessage {
        let type = typeOctet >> 2
        let kind: Kind
        switch type {
        case TypeCode.parameterNegotiation:
            guard value.count >= 8 else {
                throw ParseError(description: "PN carries \(value.count) value bytes, 8 expected")
            }
            kind = .parameterNegotiation(ParameterNegotiation(
                dlci: value[0] & 0x3F, frameType: value[1] & 0x0F, convergenceLayer: value[1] >> 4,
                priority: value[2] & 0x3F, acknowledgementTimer: value[3],
                maximumFrameSize: Int(value[4]) | Int(value[5]) << 8,
                maximumRetransmissions: value[6], windowSize: value[7] & 0x07))
        case TypeCode.powerSaving: kind = .powerSaving
        case TypeCode.closeDown: kind = .closeDown
        case TypeCode.test: kind = .test(pattern: value)
        case TypeCode.flowControlOn: kind = .flowControlOn
        case TypeCode.flowControlOff: kind = .flowControlOff
        case TypeCode.modemStatus:
            guard value.count >= 2 else {
                throw ParseError(description: "MSC carries \(value.count) value bytes, at least 2 expected")
            }
            kind = .modemStatus(ModemStatus(dlci: value[0] >> 2, signals: value[1],
                                            breakSignal: value.count >= 3 ? value[2] : nil))
        case TypeCode.notSupported:
            kind = .notSupported(type: value.first ?? 0)
        case TypeCode.remotePortNegotiation: kind = .remotePortNegotiation
        case TypeCode.remoteLineStatus: kind = .remoteLineStatus
        case TypeCode.serviceNegotiation: kind = .serviceNegotiation
        default: kind = .unknown(type: type)
        }
        return CMUXControlMessage(kind: kind, isCommand: typeOctet & 0x02 != 0, typeOctet: typeOctet, value: value)
    }

    /// The message as sent (type octet, one-octet length, values): for tests and samples.
    public static func encode(type: UInt8, isCommand: Bool, value: [UInt8]) -> [UInt8] {
        [type << 2 | (isCommand ? 0x02 : 0) | 0x01, UInt8(value.count << 1) | 0x01] + value
    }

    /// The abbreviation of 27.010: `PN`, `MSC`, `CLD`, …
    public var name: String {
        switch kind {
        case .parameterNegotiation: "PN"
        case .powerSaving: "PSC"
        case .closeDown: "CLD"
        case .test: "Test"
        case .flowControlOn: "FCon"
        case .flowControlOff: "FCoff"
        case .modemStatus: "MSC"
        case .notSupported: "NSC"
        case .remotePortNegotiation: "RPN"
        case .remoteLineStatus: "RLS"
        case .serviceNegotiation: "SNC"
        case .unknown(let type): "type 0x" + Self.hex(type)
        }
    }

    /// One line for a timeline: `MSC command DLCI 1 RTC RTR DV`, `PN response DLCI 2 N1 127`.
    public var summary: String {
        var text = name + (isCommand ? " command" : " response")
        switch kind {
        case .parameterNegotiation(let pn):
            text += " DLCI \(pn.dlci) N1 \(pn.maximumFrameSize) T1 \(Int(pn.acknowledgementTimer) * 10) ms"
                + " N2 \(pn.maximumRetransmissions) priority \(pn.priority)"
        case .modemStatus(let status):
            text += " DLCI \(status.dlci)"
            let flags: [(Bool, String)] = [(status.flowControl, "FC"), (status.readyToCommunicate, "RTC"),
                                           (status.readyToReceive, "RTR"), (status.incomingCall, "IC"),
                                           (status.dataValid, "DV")]
            for (isSet, label) in flags where isSet { text += " " + label }
            if let breakSignal = status.breakSignal { text += " break 0x" + Self.hex(breakSignal) }
        case .test(let pattern):
            text += " \(pattern.count) B"
        case .notSupported(let type):
            text += " of type 0x" + Self.hex(type)
        default:
            break
        }
        return text
    }

    private static func hex(_ value: UInt8) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
