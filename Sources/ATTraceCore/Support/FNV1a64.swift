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

    /// FNV-1a's scheme over eight bytes at a time, folded: not FNV-1a's value, but as good for
    /// table slots and far cheaper for the short lines and names the decoder looks up.
    @inlinable
    public static func wordHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = offsetBasis
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* prime
            hash ^= hash >> 29
            offset += 8
        }
        var tail = UInt64(bytes.count) << 56
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* prime
        return hash ^ (hash >> 32)
    }
}
