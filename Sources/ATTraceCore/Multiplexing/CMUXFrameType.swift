/// The frame types of 3GPP TS 27.010 basic option, from the control octet with the P/F bit
/// (0x10) cleared (formats.md §5).
public enum CMUXFrameType: Hashable, Sendable {
    /// Set Asynchronous Balanced Mode: opens a DLCI.
    case sabm
    /// Unnumbered Acknowledgement: accepts SABM or DISC.
    case unnumberedAcknowledgement
    /// Disconnected Mode: refuses a SABM, or reports a DLCI that is not open.
    case disconnectedMode
    /// Disconnect: closes a DLCI (on DLCI 0: the whole multiplexer).
    case disconnect
    /// Unnumbered Information with header check: the usual data frame; FCS covers the header only.
    case unnumberedInformationHeaderCheck
    /// Unnumbered Information: FCS covers the information too.
    case unnumberedInformation
    /// A control octet basic option does not define (RR, RNR, REJ of error-recovery mode, or damage).
    case other(UInt8)

    public static let pollFinalBit: UInt8 = 0x10

    /// The type of a control octet (the P/F bit is ignored).
    public init(control: UInt8) {
        switch control & ~Self.pollFinalBit {
        case 0x2F: self = .sabm
        case 0x63: self = .unnumberedAcknowledgement
        case 0x0F: self = .disconnectedMode
        case 0x43: self = .disconnect
        case 0xEF: self = .unnumberedInformationHeaderCheck
        case 0x03: self = .unnumberedInformation
        case let value: self = .other(value)
        }
    }

    /// The control octet without the P/F bit.
    public var control: UInt8 {
        switch self {
        case .sabm: 0x2F
        case .unnumberedAcknowledgement: 0x63
        case .disconnectedMode: 0x0F
        case .disconnect: 0x43
        case .unnumberedInformationHeaderCheck: 0xEF
        case .unnumberedInformation: 0x03
        case .other(let value): value & ~Self.pollFinalBit
        }
    }

    /// The abbreviation used in 27.010 and in Wireshark: `SABM`, `UA`, `DM`, `DISC`, `UIH`, `UI`.
    public var name: String {
        switch self {
        case .sabm: "SABM"
        case .unnumberedAcknowledgement: "UA"
        case .disconnectedMode: "DM"
        case .disconnect: "DISC"
        case .unnumberedInformationHeaderCheck: "UIH"
        case .unnumberedInformation: "UI"
        case .other(let value): "control 0x" + String(value, radix: 16, uppercase: true)
        }
    }

    /// Whether the FCS covers the information field as well as the header: every type but
    /// UIH (n_gsm `__gsm_data_queue`; formats.md §5).
    public var checkCoversInformation: Bool {
        self != .unnumberedInformationHeaderCheck
    }

    /// Whether the frame carries channel data (UIH and UI).
    public var carriesData: Bool {
        self == .unnumberedInformationHeaderCheck || self == .unnumberedInformation
    }
}
