/// A point in time with nanosecond resolution, counted from the Unix epoch (UTC).
///
/// Capture files carry `CLOCK_REALTIME` nanoseconds; the core never reads a clock itself,
/// so every time it reports comes from the input.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        self.nanoseconds = seconds &* 1_000_000_000 &+ nanoseconds
    }

    /// A timestamp from fractional seconds (used by text-log importers and tests).
    public init(secondsSinceEpoch value: Double) {
        self.nanoseconds = Int64((value * 1e9).rounded())
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The signed interval from `other` to `self`.
    public func since(_ other: Timestamp) -> Duration {
        Duration(nanoseconds: nanoseconds &- other.nanoseconds)
    }

    public func adding(_ duration: Duration) -> Timestamp {
        Timestamp(nanoseconds: nanoseconds &+ duration.nanoseconds)
    }

    /// Whole seconds (floor) and the nanoseconds within that second.
    public var secondsAndFraction: (seconds: Int64, nanoseconds: Int64) {
        let s = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        return (s, nanoseconds - s * 1_000_000_000)
    }
}

/// A signed time interval with nanosecond resolution.
///
/// The standard library's `Swift.Duration` needs a newer runtime on some platforms and has
/// attosecond storage; trace arithmetic only needs nanoseconds.
public struct Duration: Hashable, Comparable, Sendable {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static func milliseconds(_ value: Int64) -> Duration {
        Duration(nanoseconds: value &* 1_000_000)
    }

    public static func seconds(_ value: Int64) -> Duration {
        Duration(nanoseconds: value &* 1_000_000_000)
    }

    public static let zero = Duration(nanoseconds: 0)

    public static func < (lhs: Duration, rhs: Duration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    public static func + (lhs: Duration, rhs: Duration) -> Duration {
        Duration(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
    }

    public static func * (lhs: Duration, rhs: Int64) -> Duration {
        Duration(nanoseconds: lhs.nanoseconds &* rhs)
    }

    public var milliseconds: Double { Double(nanoseconds) / 1e6 }
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}
