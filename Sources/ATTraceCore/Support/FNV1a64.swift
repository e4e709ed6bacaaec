/// The 64-bit FNV-1a hash (Fowler, Noll, Vo): fast, byte-wise and stable across runs and
/// platforms, unlike `Hasher`, which is seeded per process. Used for table lookups, `diff`'s
/// alignment keys and short payload fingerprints in replay reports; payload digests use
/// `SHA256` (ATTraceAnalysis).
public struct FNV1a64: Sendable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    public init() {}

    public mutating func combine<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* Self.prime
        }
    }

    public static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var hasher = FNV1a64()
        hasher.combine(bytes)
        return hasher.value
    }
}
