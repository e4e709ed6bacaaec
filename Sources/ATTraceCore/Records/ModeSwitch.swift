/// The channel entered or left data mode (product.md §2.1 `mode`, §7.1, §7.5).
public struct ModeSwitch: Hashable, Sendable {
    public var channel: UInt32
    public var mode: Mode
    public var reason: Reason
    /// Time of the first byte that caused the switch (the `CONNECT` line, the first `+`).
    public var time: Timestamp
    public var frame: Int
    /// The bytes that caused the switch when they are not part of a transaction: the
    /// `+++` escape, or a `NO CARRIER` line.
    public var text: [UInt8]?
    /// The line that answered the escape (`OK`).
    public var final: [UInt8]?
    /// The transaction whose `CONNECT` opened data mode (for `.data`), or that opened the
    /// data session being left.
    public var transaction: Int?
    /// For a `+++` escape: the guard times (V.250 / quectel-ssl.md §3.4).
    public var escapeGuard: EscapeGuard?
    /// When the answer (`OK`) arrived.
    public var finalTime: Timestamp?
    public var hostByteCount: Int
    public var modemByteCount: Int

    public enum Mode: String, Hashable, Sendable {
        case data
        case command
    }

    public enum Reason: String, Hashable, Sendable {
        case connect = "CONNECT"
        case escape = "+++"
        case noCarrier = "NO CARRIER"
        case dtr = "DTR"
    }

    public init(channel: UInt32, mode: Mode, reason: Reason, time: Timestamp, frame: Int) {
        self.channel = channel
        self.mode = mode
        self.reason = reason
        self.time = time
        self.frame = frame
        self.hostByteCount = 0
        self.modemByteCount = 0
    }
}

/// Timing around a `+++` escape: silence before the first `+`, the spread of the three
/// `+`, and silence after the last one (until the module's `OK` or the next host byte).
public struct EscapeGuard: Hashable, Sendable {
    /// Host silence before the first `+` (`nil` when data mode began with the `+++`).
    public var silenceBefore: Duration?
    /// From the first to the last `+`.
    public var spread: Duration
    /// From the last `+` to the module's answer.
    public var silenceAfter: Duration
    /// The guard time the module applied: `ATS12` × 20 ms when the channel set it
    /// (reference/catalog.md §2, §3.1), else the default 1 s.
    public var guardTime: Duration

    /// `ATS12` default 50 × 20 ms.
    public static let defaultGuardTime = Duration.seconds(1)

    public init(silenceBefore: Duration?, spread: Duration, silenceAfter: Duration,
                guardTime: Duration = EscapeGuard.defaultGuardTime) {
        self.silenceBefore = silenceBefore
        self.spread = spread
        self.silenceAfter = silenceAfter
        self.guardTime = guardTime
    }

    /// The three guard rules of quectel-ssl.md §3.4, with the module's guard time.
    public func isRespected() -> Bool {
        (silenceBefore.map { $0 >= guardTime } ?? true) && spread <= guardTime && silenceAfter >= guardTime
    }
}
