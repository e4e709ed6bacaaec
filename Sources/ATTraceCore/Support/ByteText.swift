/// Renders protocol bytes as text losslessly: each byte becomes the Unicode scalar of the
/// same value (Latin-1), so `0xB5` is `µ` and no byte is replaced or merged. JSON writers
/// then escape control characters.
public enum ByteText {
    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// `true` when every byte is printable ASCII or TAB.
    public static func isPrintable<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }
}
