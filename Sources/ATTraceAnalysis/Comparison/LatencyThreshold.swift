import ATTraceCore

/// When a change of response time counts as a difference (Docs/Diff.md "Latency"): the
/// change must reach the absolute threshold *and* the relative one, each when given.
///
/// Both together keep the noise out at either end: a 2 ms answer that takes 5 ms is +150 %
/// but nothing anyone will act on, and a 150 s `AT+QSSLOPEN` that takes 0.2 s longer is
/// far beyond 100 ms but only +0.1 %. The relative change is measured against A.
public struct LatencyThreshold: Hashable, Sendable, CustomStringConvertible {
    /// The smallest change reported, if an absolute threshold applies.
    public var absolute: Duration?
    /// The smallest change reported, in percent of A's latency, if a relative threshold applies.
    public var percent: Double?

    /// 100 ms and 50 %.
    public static let standard = LatencyThreshold(absolute: .milliseconds(100), percent: 50)

    public init(absolute: Duration?, percent: Double?) {
        self.absolute = absolute
        self.percent = percent
    }

    /// Reads `100ms`, `1.5s`, `250` (milliseconds), `50%`, or an absolute and a relative
    /// threshold separated by a comma (`100ms,50%`); `nil` for anything else.
    public init?(parsing text: String) {
        var absolute: Duration?
        var percent: Double?
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.filter { $0 != " " }
            if item.hasSuffix("%") {
                guard percent == nil, let value = Double(item.dropLast()), value >= 0, value.isFinite else { return nil }
                percent = value
                continue
            }
            let number: Substring
            let scale: Double
            if item.hasSuffix("ms") {
                (number, scale) = (item.dropLast(2), 1e6)
            } else if item.hasSuffix("s") {
                (number, scale) = (item.dropLast(), 1e9)
            } else {
                (number, scale) = (item[...], 1e6)
            }
            guard absolute == nil, let value = Double(number), value >= 0, value * scale < 9e18 else { return nil }
            absolute = Duration(nanoseconds: Int64((value * scale).rounded()))
        }
        guard absolute != nil || percent != nil else { return nil }
        self.init(absolute: absolute, percent: percent)
    }

    /// `true` when going from `a` to `b` is a change worth reporting.
    public func isExceeded(from a: Duration, to b: Duration) -> Bool {
        let change = (b.nanoseconds &- a.nanoseconds).magnitude
        if let absolute, change < absolute.nanoseconds.magnitude { return false }
        if let percent {
            guard a.nanoseconds > 0 else { return change > 0 }
            if Double(change) * 100 < percent * Double(a.nanoseconds) { return false }
        }
        return true
    }

    /// The option's spelling: `100ms,50%`.
    public var description: String {
        var parts: [String] = []
        if let absolute {
            let milliseconds = Double(absolute.nanoseconds) / 1e6
            parts.append(milliseconds == milliseconds.rounded() ? "\(Int64(milliseconds))ms" : "\(milliseconds)ms")
        }
        if let percent {
            parts.append(percent == percent.rounded() ? "\(Int64(percent))%" : "\(percent)%")
        }
        return parts.joined(separator: ",")
    }
}
