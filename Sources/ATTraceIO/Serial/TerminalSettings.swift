#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore

/// Parity of a serial line (product.md §2 `--parity`).
public enum Parity: String, Hashable, Sendable, CaseIterable {
    case none
    case even
    case odd
}

/// A tty's `termios`, with the fields a capture records (capture.md §5.3 `termios` event)
/// and the changes the tap makes: raw mode for its own descriptors, and speed, stop bits,
/// flow control, parity and data bits on the device.
public struct TerminalSettings: Equatable, @unchecked Sendable {
    public var raw: termios

    public init(_ raw: termios) {
        self.raw = raw
    }

    /// The settings of the tty behind `descriptor` (a pty master returns its slave's).
    static func read(from descriptor: Int32) -> Result<TerminalSettings, SystemCallError> {
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else { return .failure(SystemCallError(errorNumber: errno)) }
        return .success(TerminalSettings(settings))
    }

    /// Applies the settings now (`TCSANOW`).
    func apply(to descriptor: Int32) -> SystemCallError? {
        var settings = raw
        return tcsetattr(descriptor, TCSANOW, &settings) == 0 ? nil : SystemCallError(errorNumber: errno)
    }

    public static func == (lhs: TerminalSettings, rhs: TerminalSettings) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// The struct's bytes, as the `termios` event stores them (hex).
    public var bytes: [UInt8] {
        withUnsafeBytes(of: raw) { Array($0) }
    }

    // MARK: - Fields

    private static let sizeMask = tcflag_t(CSIZE)
    private static let lineMask: tcflag_t = tcflag_t(CSTOPB) | tcflag_t(CRTSCTS)

    /// Bits per second, `nil` for a speed code the table does not know.
    public var baudRate: Int? {
        var copy = raw
        return BaudRate.rate(for: cfgetospeed(&copy))
    }

    public var dataBits: Int {
        switch raw.c_cflag & Self.sizeMask {
        case tcflag_t(CS5): 5
        case tcflag_t(CS6): 6
        case tcflag_t(CS7): 7
        default: 8
        }
    }

    public var parity: Parity {
        guard raw.c_cflag & tcflag_t(PARENB) != 0 else { return .none }
        return raw.c_cflag & tcflag_t(PARODD) != 0 ? .odd : .even
    }

    public var stopBits: Int { raw.c_cflag & tcflag_t(CSTOPB) != 0 ? 2 : 1 }
    public var hardwareFlowControl: Bool { raw.c_cflag & tcflag_t(CRTSCTS) != 0 }
    public var outputFlowControl: Bool { raw.c_iflag & tcflag_t(IXON) != 0 }
    public var inputFlowControl: Bool { raw.c_iflag & tcflag_t(IXOFF) != 0 }
    public var hangUpOnClose: Bool { raw.c_cflag & tcflag_t(HUPCL) != 0 }
    public var canonical: Bool { raw.c_lflag & tcflag_t(ICANON) != 0 }
    public var echo: Bool { raw.c_lflag & tcflag_t(ECHO) != 0 }
    public var outputProcessing: Bool { raw.c_oflag & tcflag_t(OPOST) != 0 }

    /// No line editing, echo, signals or byte translation: bytes pass unchanged.
    public var isRaw: Bool {
        let local = tcflag_t(ICANON) | tcflag_t(ECHO) | tcflag_t(ISIG) | tcflag_t(IEXTEN)
        let input = tcflag_t(ICRNL) | tcflag_t(INLCR) | tcflag_t(IGNCR) | tcflag_t(ISTRIP) | tcflag_t(IXON)
        return raw.c_lflag & local == 0 && raw.c_iflag & input == 0 && !outputProcessing
    }

    /// Whether the app asked for flow control, so the tap may hold the device back
    /// instead of dropping (capture.md §2.8).
    public var wantsFlowControl: Bool { hardwareFlowControl || inputFlowControl }

    // MARK: - Changes

    /// `cfmakeraw`, the receiver on, modem-status lines ignored (an open never blocks on
    /// DCD), and reads that return as soon as one byte is there (capture.md §2.1, §2.7).
    public mutating func makeRaw() {
        cfmakeraw(&raw)
        raw.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
    }

    public mutating func setBaudRate(_ rate: Int) throws(TapError) {
        guard let code = BaudRate.code(for: rate) else { throw .unsupportedBaudRate(rate) }
        cfsetispeed(&raw, code)
        cfsetospeed(&raw, code)
    }

    /// Data bits and parity, which a pty cannot carry (capture.md §2.2).
    public mutating func setCharacterFormat(dataBits: Int, parity: Parity) {
        raw.c_cflag &= ~Self.sizeMask
        switch dataBits {
        case 5: raw.c_cflag |= tcflag_t(CS5)
        case 6: raw.c_cflag |= tcflag_t(CS6)
        case 7: raw.c_cflag |= tcflag_t(CS7)
        default: raw.c_cflag |= tcflag_t(CS8)
        }
        raw.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(PARODD))
        switch parity {
        case .none: break
        case .even: raw.c_cflag |= tcflag_t(PARENB)
        case .odd: raw.c_cflag |= tcflag_t(PARENB) | tcflag_t(PARODD)
        }
    }

    /// Copies speed, stop bits and RTS/CTS from `other`: the part of an app's settings the
    /// tap mirrors to the device (capture.md §2.3).
    public mutating func takeLineSettings(from other: TerminalSettings) {
        var source = other.raw
        let speed = cfgetospeed(&source)
        cfsetispeed(&raw, speed)
        cfsetospeed(&raw, speed)
        raw.c_cflag = (raw.c_cflag & ~Self.lineMask) | (other.raw.c_cflag & Self.lineMask)
    }

    /// Whether speed, stop bits or RTS/CTS differ from `other`.
    public func lineSettingsDiffer(from other: TerminalSettings) -> Bool {
        baudRate != other.baudRate || (raw.c_cflag & Self.lineMask) != (other.raw.c_cflag & Self.lineMask)
    }

    /// Sets or clears `EXTPROC`, which makes a pty master report termios changes
    /// (capture.md §2.3; only ever set on a raw slave).
    mutating func setExternalProcessing(_ enabled: Bool, flag: tcflag_t) {
        if enabled { raw.c_lflag |= flag } else { raw.c_lflag &= ~flag }
    }

    /// `INPCK|PARMRK`: parity and framing errors arrive as `FF 00 x`, a break as `FF 00 00`
    /// and a literal `FF` as `FF FF` (capture.md §5.2 B).
    public mutating func markLineErrors() {
        raw.c_iflag |= tcflag_t(INPCK) | tcflag_t(PARMRK)
        raw.c_iflag &= ~(tcflag_t(IGNPAR) | tcflag_t(IGNBRK) | tcflag_t(BRKINT) | tcflag_t(ISTRIP))
    }

    public mutating func setHangUpOnClose(_ enabled: Bool) {
        if enabled { raw.c_cflag |= tcflag_t(HUPCL) } else { raw.c_cflag &= ~tcflag_t(HUPCL) }
    }

    // MARK: - Event fields

    /// The decoded fields of a `termios` event (capture.md §5.3).
    public var jsonFields: [(key: String, value: JSONValue)] {
        [
            ("baud", baudRate.map { .integer(Int64($0)) } ?? .null),
            ("data_bits", .integer(Int64(dataBits))),
            ("parity", .string(parity.rawValue)),
            ("stop_bits", .integer(Int64(stopBits))),
            ("crtscts", .bool(hardwareFlowControl)),
            ("ixon", .bool(outputFlowControl)),
            ("ixoff", .bool(inputFlowControl)),
            ("hupcl", .bool(hangUpOnClose)),
            ("raw", .bool(isRaw)),
            ("icanon", .bool(canonical)),
            ("echo", .bool(echo)),
        ]
    }

    /// The decoded fields as one JSON object.
    public var jsonObject: JSONValue { .object(jsonFields) }

    /// The struct's bytes in hex.
    public var hexBytes: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
