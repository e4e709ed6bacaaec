import ATTraceCore

/// The settings of `attrace capture sniff` (product.md §2; capture.md §5.2 B): passive
/// capture from read-only adapters wired to the host's and the modem's transmit lines.
public struct SniffConfiguration: Sendable {
    /// One adapter and the direction of the line it listens to.
    public struct Input: Hashable, Sendable {
        public var path: String
        /// `.host` for the host's TX line (`--host-tx`), `.modem` for the modem's.
        public var direction: Direction

        public init(path: String, direction: Direction) {
            self.path = path
            self.direction = direction
        }

        /// `host-tx` or `modem-tx`, as the events name the input.
        public var role: String { direction == .host ? "host-tx" : "modem-tx" }
    }

    public var inputs: [Input]
    public var baudRate: Int
    public var parity: Parity = .none
    public var dataBits = 8
    public var stopBits = 1
    /// `INPCK|PARMRK`: record parity and framing errors and breaks as events.
    public var markErrors = false
    /// Set the FTDI latency timer to 1 ms and `ASYNC_LOW_LATENCY` (capture.md §2.7).
    public var lowLatency = false
    public var tool: String = "attrace"
    public var extraStartFields: [(key: String, value: JSONValue)] = []

    public init(inputs: [Input], baudRate: Int) {
        self.inputs = inputs
        self.baudRate = baudRate
    }
}
