/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), the reproducible random source of
/// `{random N seed S}` blocks (Samples/scripts/README.md) and of ``SessionSimulator``.
///
/// The state advances by the golden-ratio constant `0x9E3779B97F4A7C15`; each output is the
/// new state passed through the variant-13 finaliser of MurmurHash3. Seed 0 yields
/// `0xE220A8397B1DCDAF`, `0x6E789E6AA1B965F4`, … (the published reference values). Random
/// bytes are the outputs written little-endian, eight bytes per output, in order.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Appends `count` random bytes to `bytes` (outputs little-endian, a partial last output
    /// contributes its low bytes first).
    public mutating func appendBytes(_ count: Int, to bytes: inout [UInt8]) {
        guard count > 0 else { return }
        bytes.reserveCapacity(bytes.count + count)
        var remaining = count
        while remaining >= 8 {
            let value = next()
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
            remaining -= 8
        }
        if remaining > 0 {
            var value = next()
            for _ in 0..<remaining {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
    }

    /// `count` deterministic bytes from a fresh generator seeded with `seed`.
    public static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        generator.appendBytes(count, to: &bytes)
        return bytes
    }

    /// A uniform integer in `0..<bound` (`bound` > 0), by Lemire's multiply-shift method; the
    /// tiny bias for bounds far from powers of two does not matter for traffic simulation
    /// and keeps the hot path branch-free.
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `range`.
    @inline(__always)
    public mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// `true` with probability `perMille` / 1000.
    @inline(__always)
    public mutating func chance(perMille: Int) -> Bool {
        below(1000) < perMille
    }
}
