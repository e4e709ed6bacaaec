/// Standard base64 (RFC 4648 §4, with padding) for payloads in JSON output.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Encoded bytes are collected on the stack and appended in blocks of this size: one
    /// capacity check per block instead of one per byte (payloads are most of JSON output).
    private static let blockSize = 1024

    static func encode<C: Collection>(_ bytes: C, into out: inout [UInt8]) where C.Element == UInt8, C.Index == Int {
        if bytes.withContiguousStorageIfAvailable({ encode(contiguous: $0, into: &out) }) == nil {
            Array(bytes).withUnsafeBufferPointer { encode(contiguous: $0, into: &out) }
        }
    }

    private static func encode(contiguous bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + (bytes.count + 2) / 3 * 4)
        alphabet.withUnsafeBufferPointer { table in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blockSize) { block in
                var used = 0
                var index = 0
                let end = bytes.count
                while end - index >= 3 {
                    let b0 = bytes[index], b1 = bytes[index + 1], b2 = bytes[index + 2]
                    block[used] = table[Int(b0 >> 2)]
                    block[used + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                    block[used + 2] = table[Int((b1 & 0x0F) << 2 | b2 >> 6)]
                    block[used + 3] = table[Int(b2 & 0x3F)]
                    used += 4
                    index += 3
                    if used == blockSize {
                        out.append(contentsOf: UnsafeBufferPointer(block))
                        used = 0
                    }
                }
                let remaining = end - index
                if remaining == 1 {
                    let b0 = bytes[index]
                    block[used] = table[Int(b0 >> 2)]
                    block[used + 1] = table[Int((b0 & 0x03) << 4)]
                    block[used + 2] = UInt8(ascii: "=")
                    block[used + 3] = UInt8(ascii: "=")
                    used += 4
                } else if remaining == 2 {
                    let b0 = bytes[index], b1 = bytes[index + 1]
                    block[used] = table[Int(b0 >> 2)]
                    block[used + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                    block[used + 2] = table[Int((b1 & 0x0F) << 2)]
                    block[used + 3] = UInt8(ascii: "=")
                    used += 4
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: block[0..<used]))
            }
        }
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
