/// Standard base64 (RFC 4648 §4, with padding) for payloads in JSON output.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode<C: Collection>(_ bytes: C, into out: inout [UInt8]) where C.Element == UInt8, C.Index == Int {
        let table = alphabet
        var index = bytes.startIndex
        let end = bytes.endIndex
        out.reserveCapacity(out.count + (bytes.count + 2) / 3 * 4)
        while end - index >= 3 {
            let b0 = bytes[index], b1 = bytes[index + 1], b2 = bytes[index + 2]
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(table[Int((b1 & 0x0F) << 2 | b2 >> 6)])
            out.append(table[Int(b2 & 0x3F)])
            index += 3
        }
        let remaining = end - index
        if remaining == 1 {
            let b0 = bytes[index]
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if remaining == 2 {
            let b0 = bytes[index], b1 = bytes[index + 1]
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(table[Int((b1 & 0x0F) << 2)])
            out.append(UInt8(ascii: "="))
        }
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
