import ATTraceCore

/// The settings of `attrace capture proxy` (product.md §2; capture.md §5.2 A).
public struct ProxyConfiguration: Sendable {
    /// The real tty (`/dev/ttyUSB2`, `/dev/ttyS1`, or any tty).
    public var devicePath: String
    /// The stable path the application opens instead of the device.
    public var linkPath: String
    /// Speed to set on the device (and to start the application side with); `nil` keeps
    /// the device's current speed.
    public var baudRate: Int?
    /// Parity and data bits on the device: a pty cannot carry them (capture.md §2.2).
    public var parity: Parity = .none
    public var dataBits: Int = 8
    /// Take `TIOCEXCL` and `flock` on the device.
    public var exclusive = true
    /// Drive DTR and RTS as a real port would for the application: raised when it opens
    /// the pty, DTR dropped when it closes with `HUPCL` or sets speed 0 (capture.md §2.5).
    public var followDTR = false
    /// Set the FTDI latency timer and `ASYNC_LOW_LATENCY` where the driver has them.
    public var lowLatency = false
    /// Bytes the tap holds for an application that does not read (device → app) before
    /// it drops them with an `overrun` event, or holds the device back when the
    /// application asked for flow control (capture.md §2.8).
    public var deliveryLimit = 1 << 20
    /// Bytes held for the device before the tap stops reading the application.
    public var deviceQueueLimit = 1 << 20
    /// `"tool"` and any other fields the caller wants in the start event.
    public var tool: String = "attrace"
    public var extraStartFields: [(key: String, value: JSONValue)] = []

    public init(devicePath: String, linkPath: String) {
        self.devicePath = devicePath
        self.linkPath = linkPath
    }
}
