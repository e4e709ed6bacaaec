/// The frame check sequence of 3GPP TS 27.010 basic option (formats.md §5): CRC-8 with the
/// polynomial x^8 + x^2 + x + 1, processed least significant bit first (reversed polynomial
/// 0xE0), initial value 0xFF, sent as the ones' complement of the register.
///
/// The same table as Linux `n_gsm.c` (`gsm_fcs8`) and Wireshark `crc8-tvb.c`.
public enum CMUXFrameCheck {
    /// Running the CRC over the covered bytes and then a correct FCS leaves this value.
    public static let goodRemainder: UInt8 = 0xCF
    public static let initialValue: UInt8 = 0xFF

    static let table: [UInt8] = (0..<256).map { index in
        var value = UInt8(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xE0 : value >> 1
        }
        return value
    }

    /// Continues a CRC register over `bytes`.
    public static func update<C: Sequence>(_ register: UInt8, with bytes: C) -> UInt8 where C.Element == UInt8 {
        var crc = register
        for byte in bytes {
            crc = table[Int(crc ^ byte)]
        }
        return crc
    }

    /// The FCS a sender puts after the covered bytes.
    public static func sequence<C: Sequence>(over bytes: C) -> UInt8 where C.Element == UInt8 {
        0xFF &- update(initialValue, with: bytes)
    }

    /// Whether `fcs` is correct for the covered bytes.
    public static func isValid<C: Sequence>(_ fcs: UInt8, over bytes: C) -> Bool where C.Element == UInt8 {
        update(update(initialValue, with: bytes), with: CollectionOfOne(fcs)) == goodRemainder
    }
}
