/// Standard base64 (RFC 4648 §4, with padding) for payloads in JSON output.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// The two characters of every 12-bit value, first character in the low byte: three
    /// input bytes become four characters in two lookups (payloads are most of JSON output).
    private static let pairs: [UInt16] = (0..<4096).map { value in
        UInt16(alphabet[value >> 6]) | UInt16(alphabet[value & 0x3F]) << 8
    }

    /// Writes the encoding of `bytes` into `out`, in place.
    static func encode(_ bytes: [UInt8], into out: inout ByteWriter) {
        let length = (bytes.count + 2) / 3 * 4
        guard length > 0 else { return }
        bytes.withUnsafeBufferPointer { input in
            pairs.withUnsafeBufferPointer { pairs in
                out.write(exactly: length) { output in
                    encode(input, pairs: pairs, into: UnsafeMutableRawPointer(output))
                }
            }
        }
    }

    private static func encode(_ input: UnsafeBufferPointer<UInt8>, pairs: UnsafeBufferPointer<UInt16>,
                               into output: UnsafeMutableRawPointer) {
        var index = 0
        var offset = 0
        let end = input.count
        while end - index >= 3 {
            let value = Int(input[index]) << 16 | Int(input[index + 1]) << 8 | Int(input[index + 2])
            output.storeBytes(of: pairs[value >> 12].littleEndian, toByteOffset: offset, as: UInt16.self)
            output.storeBytes(of: pairs[value & 0xFFF].littleEndian, toByteOffset: offset + 2, as: UInt16.self)
            index += 3
            offset += 4
        }
        let table = alphabet
        switch end - index {
        case 1:
            let b0 = input[index]
            output.storeBytes(of: table[Int(b0 >> 2)], toByteOffset: offset, as: UInt8.self)
            output.storeBytes(of: table[Int((b0 & 0x03) << 4)], toByteOffset: offset + 1, as: UInt8.self)
            output.storeBytes(of: UInt8(ascii: "="), toByteOffset: offset + 2, as: UInt8.self)
            output.storeBytes(of: UInt8(ascii: "="), toByteOffset: offset + 3, as: UInt8.self)
        case 2:
            let b0 = input[index], b1 = input[index + 1]
            output.storeBytes(of: table[Int(b0 >> 2)], toByteOffset: offset, as: UInt8.self)
            output.storeBytes(of: table[Int((b0 & 0x03) << 4 | b1 >> 4)], toByteOffset: offset + 1, as: UInt8.self)
            output.storeBytes(of: table[Int((b1 & 0x0F) << 2)], toByteOffset: offset + 2, as: UInt8.self)
            output.storeBytes(of: UInt8(ascii: "="), toByteOffset: offset + 3, as: UInt8.self)
        default:
            break
        }
    }
}
