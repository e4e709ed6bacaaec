import ATTraceCore

/// Latencies of one command in logarithmic buckets (about 1 % wide), so quantiles cost
/// constant memory however long the capture is (product.md §5: memory flat from 10 MB to
/// 1 GB).
public struct LatencyHistogram: Hashable, Sendable {
    /// Bucket i holds values in [base·ratio^i, base·ratio^(i+1)); values below 1 µs go to 0.
    private var buckets: [UInt32] = []
    public private(set) var count = 0
    public private(set) var minimum: Duration?
    public private(set) var maximum: Duration?

    private static let ratio = 1.02
    private static let logRatio = 0.019802627296179712 // log(1.02)
    private static let baseNanoseconds = 1_000.0

    public init() {}

    public mutating func record(_ value: Duration) {
        count += 1
        if minimum.map({ value < $0 }) ?? true { minimum = value }
        if maximum.map({ value > $0 }) ?? true { maximum = value }
        let index = Self.bucket(for: value)
        if index >= buckets.count { buckets.append(contentsOf: repeatElement(0, count: index - buckets.count + 1)) }
        buckets[index] &+= 1
    }

    private static func bucket(for value: Duration) -> Int {
        let nanoseconds = Double(max(0, value.nanoseconds))
        guard nanoseconds >= baseNanoseconds else { return 0 }
        return min(4000, Int(((nanoseconds / baseNanoseconds).logValue / logRatio).rounded(.down)) + 1)
    }

    /// The value below which `fraction` of the samples fall (midpoint of its bucket, clamped
    /// to the observed minimum and maximum).
    public func quantile(_ fraction: Double) -> Duration? {
        guard count > 0, let minimum, let maximum else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += Int(bucketCount)
            if seen >= rank {
                let value: Double
                if index == 0 {
                    value = Double(minimum.nanoseconds)
                } else {
                    let low = Self.baseNanoseconds * Self.ratio.power(index - 1)
                    value = low * (1 + Self.ratio) / 2
                }
                let clamped = min(max(value, Double(minimum.nanoseconds)), Double(maximum.nanoseconds))
                return Duration(nanoseconds: Int64(clamped.rounded()))
            }
        }
        return maximum
    }
}

extension Double {
    /// Natural logarithm without Foundation (series around 1 after scaling by powers of 2).
    var logValue: Double {
        guard self > 0 else { return -.infinity }
        var x = self
        var exponent = 0.0
        while x > 2 { x /= 2; exponent += 1 }
        while x < 1 { x *= 2; exponent -= 1 }
        // ln(x) = 2·atanh((x-1)/(x+1)) for x in [1, 2].
        let y = (x - 1) / (x + 1)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var n = 1.0
        while n < 40 {
            sum += term / n
            term *= y2
            n += 2
        }
        return 2 * sum + exponent * 0.6931471805599453
    }

    func power(_ exponent: Int) -> Double {
        var result = 1.0
        var base = self
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
