import ATTraceCore
import CSystemShims

/// The modem-control lines of a serial port (capture.md §2.5): DTR and RTS driven by the
/// host, CTS, DSR, DCD and RI by the modem. A pty has none (`TIOCMGET` fails with ENOTTY).
public struct ModemLines: Hashable, Sendable {
    public var bits: Int32

    public init(bits: Int32) {
        self.bits = bits
    }

    static let dataTerminalReady = attrace_line_dtr()
    static let requestToSend = attrace_line_rts()

    /// The lines in the order the `modem_lines` event lists them.
    private static let names: [(name: String, bit: Int32)] = [
        ("dtr", attrace_line_dtr()), ("rts", attrace_line_rts()), ("cts", attrace_line_cts()),
        ("dsr", attrace_line_dsr()), ("dcd", attrace_line_dcd()), ("ri", attrace_line_ring()),
    ]

    /// The lines of the port behind `descriptor`, or `nil` when it has none.
    static func read(from descriptor: Int32) -> ModemLines? {
        var bits: Int32 = 0
        guard attrace_get_modem_lines(descriptor, &bits) == 0 else { return nil }
        return ModemLines(bits: bits)
    }

    /// Raises or lowers lines the host drives; `false` when the port has none.
    @discardableResult
    static func set(_ bits: Int32, raised: Bool, on descriptor: Int32) -> Bool {
        attrace_set_modem_lines(descriptor, bits, raised ? 1 : 0) == 0
    }

    /// `{"dtr":true,"rts":true,"cts":false,…}`
    public var jsonObject: JSONValue {
        .object(Self.names.map { ($0.name, .bool(bits & $0.bit != 0)) })
    }

    /// The names of the lines that differ from `other`.
    public func changes(from other: ModemLines) -> [String] {
        Self.names.filter { (bits ^ other.bits) & $0.bit != 0 }.map(\.name)
    }
}
