/// Building serial bytes without `String` formatting: the simulator assembles every record
/// from static text and decimal numbers (reference/formats.md §7.1 sets the speed target).
extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a literal.
    @inline(__always)
    mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a non-negative integer in decimal.
    @inline(__always)
    mutating func append(decimal value: Int) {
        if value < 10 {
            append(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var remaining = value
        var count = 0
        Swift.withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[count] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
                remaining /= 10
                count += 1
            }
        }
        Swift.withUnsafeBytes(of: &digits) { buffer in
            var index = count - 1
            while index >= 0 {
                append(buffer[index])
                index -= 1
            }
        }
    }

    /// Appends a 16-bit value as four lower-case hex digits (file checksums).
    @inline(__always)
    mutating func append(hex16 value: Int) {
        for shift in stride(from: 12, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
            append(nibble < 10 ? 48 + nibble : 87 + nibble)
        }
    }
}
