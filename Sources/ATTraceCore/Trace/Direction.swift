/// Which side of the serial link sent a byte.
///
/// The capture format (product.md §1) stores it as the exported-PDU P2P direction:
/// 0 = sent by the host (DTE → DCE), 1 = received from the modem (DCE → DTE).
public enum Direction: UInt8, Hashable, Sendable, CaseIterable {
    /// Host → modem (DTE → DCE): command lines, payloads after a prompt, uploads, data.
    case host = 0
    /// Modem → host (DCE → DTE): echo, responses, result codes, URCs, downloads, data.
    case modem = 1
    /// A record without a direction tag; the decoder infers it from content (product.md §3).
    case unknown = 255

    /// The name used in JSON output (`"dir"`).
    public var name: String {
        switch self {
        case .host: "host"
        case .modem: "modem"
        case .unknown: "unknown"
        }
    }

    /// The other side of the link (`.unknown` stays `.unknown`).
    public var opposite: Direction {
        switch self {
        case .host: .modem
        case .modem: .host
        case .unknown: .unknown
        }
    }
}
