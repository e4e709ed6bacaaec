import ATTraceCore

/// Latencies of one command in log-linear buckets (32 per power of two, about 3 % wide,
/// like HdrHistogram), so quantiles cost constant memory however long the capture is
/// (product.md §5: memory flat from 10 MB to 1 GB).
public struct LatencyHistogram: Hashable, Sendable {
    private var buckets: [UInt32] = []
    /// The first samples, kept exactly: quantiles of small counts are exact values.
    private var exact: [Int64] = []
    static let exactLimit = 1024
    public private(set) var count = 0
    public private(set) var minimum: Duration?
    public private(set) var maximum: Duration?

    private static let subBucketBits = 5

    public init() {}

    public mutating func record(_ value: Duration) {
        count += 1
        if minimum.map({ value < $0 }) ?? true { minimum = value }
        if maximum.map({ value > $0 }) ?? true { maximum = value }
        if exact.count < Self.exactLimit { exact.append(value.nanoseconds) }
        let index = Self.bucket(for: UInt64(max(0, value.nanoseconds)))
        if index >= buckets.count { buckets.append(contentsOf: repeatElement(0, count: index - buckets.count + 1)) }
        buckets[index] &+= 1
    }

    /// Values below 32 ns have a bucket each; above, the top 5 bits below the leading one
    /// pick one of 32 buckets per power of two.
    static func bucket(for value: UInt64) -> Int {
        let limit = UInt64(1) << subBucketBits
        guard value >= limit else { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        let shift = exponent - subBucketBits
        let sub = Int((value >> UInt64(shift)) & (limit - 1))
        return (shift + 1) << subBucketBits + sub
    }

    /// The lowest value of a bucket.
    static func lowerBound(of bucket: Int) -> UInt64 {
        let limit = 1 << subBucketBits
        guard bucket >= limit else { return UInt64(bucket) }
        let shift = bucket >> subBucketBits - 1
        let sub = bucket & (limit - 1)
        return (UInt64(limit) | UInt64(sub)) << UInt64(shift)
    }

    /// The value below which `fraction` of the samples fall (midpoint of its bucket, clamped
    /// to the observed minimum and maximum).
    public func quantile(_ fraction: Double) -> Duration? {
        guard count > 0, let minimum, let maximum else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        if count <= Self.exactLimit {
            return Duration(nanoseconds: exact.sorted()[rank - 1])
        }
        var seen = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += Int(bucketCount)
            if seen >= rank {
                let low = Self.lowerBound(of: index)
                let high = Self.lowerBound(of: index + 1)
                let middle = Int64((low + high) / 2)
                let clamped = min(max(middle, minimum.nanoseconds), maximum.nanoseconds)
                return Duration(nanoseconds: clamped)
            }
        }
        return maximum
    }
}

