import ATTraceCore

/// How a replay turns recorded delays into real ones (product.md §2 `--speed X | --fast`,
/// §7.15): scaled by a factor, or dropped, while a replay still waits for the other side's
/// bytes before each answer.
public struct ReplayTiming: Hashable, Sendable {
    /// Recorded delays are divided by this: 2 plays twice as fast, 0.5 half as fast.
    public var speed: Double
    /// `--fast`: no recorded delay at all.
    public var dropsDelays: Bool
    /// The `+++` guard time (quectel-ssl.md §3.4, `ATS12` default 50 × 20 ms): a rule of the
    /// module, not a recorded delay, so neither `speed` nor `dropsDelays` changes it.
    public var escapeGuard: Duration

    public init(speed: Double = 1, dropsDelays: Bool = false, escapeGuard: Duration = .seconds(1)) {
        precondition(speed > 0 && speed.isFinite, "speed must be a positive number")
        self.speed = speed
        self.dropsDelays = dropsDelays
        self.escapeGuard = escapeGuard
    }

    /// The recorded timing.
    public static let recorded = ReplayTiming()
    /// `--fast`.
    public static let fast = ReplayTiming(dropsDelays: true)

    /// The real delay for a recorded one (negative recorded delays become zero).
    public func delay(_ recorded: Duration) -> Duration {
        guard !dropsDelays, recorded > .zero else { return .zero }
        if speed == 1 { return recorded }
        return Duration(nanoseconds: Int64((Double(recorded.nanoseconds) / speed).rounded()))
    }
}
