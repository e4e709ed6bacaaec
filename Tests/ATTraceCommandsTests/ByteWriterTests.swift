@testable import ATTraceCommands
import ATTraceCore
import Testing

/// The output buffer every formatter writes into, and the base64 of JSON payloads.
@Suite struct ByteWriterTests {
    /// Collects what a writer flushes.
    private final class Sink: @unchecked Sendable {
        var bytes: [UInt8] = []
        var flushes = 0
    }

    @Test func writesEveryKindOfValueInOrder() {
        var out = ByteWriter { _ in }
        out.write("AT")
        out.write(UInt8(ascii: "+"))
        out.write(String("QSSLRECV"))
        out.write(bytes: Array("=4,".utf8))
        out.write(integer: 1500)
        out.write(UInt8(ascii: " "))
        out.write(integer: -42)
        out.write(UInt8(ascii: " "))
        out.write(fixedPoint: 1_234_567, scale: 1_000_000, decimals: 6, maximumDecimals: 3, trim: true)
        out.write(UInt8(ascii: "x"), repeating: 3)
        #expect(out.text == "AT+QSSLRECV=4,1500 -42 1.235xxx")
        #expect(out.count == 31)
        #expect(out.last == UInt8(ascii: "x"))
        out.removeLast()
        #expect(out.text == "AT+QSSLRECV=4,1500 -42 1.235xx")
    }

    @Test func aRecordLargerThanTheBufferGrowsItInsteadOfFlushing() {
        let sink = Sink()
        var out = ByteWriter(flushThreshold: 16) { sink.bytes += $0; sink.flushes += 1 }
        let large = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        out.write("head:")
        out.write(bytes: large)
        #expect(sink.flushes == 0, "nothing is flushed in the middle of a record")
        out.flushIfNeeded()
        #expect(sink.flushes == 1)
        #expect(sink.bytes == Array("head:".utf8) + large)
        #expect(out.count == 0)
        out.write("next")
        out.flush()
        #expect(sink.bytes.suffix(4) == Array("next".utf8)[...])
    }

    @Test func writtenBytesCanBeChangedInPlace() {
        var out = ByteWriter { _ in }
        out.write("ab12")
        out.withWrittenBytes { bytes in bytes[2] = UInt8(ascii: "X") }
        #expect(out.text == "abX2")
    }

    /// RFC 4648 §10 test vectors, and every byte value in every position.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64MatchesTheRFCVectors(input: String, expected: String) {
        var out = ByteWriter { _ in }
        Base64.encode(Array(input.utf8), into: &out)
        #expect(out.text == expected)
    }

    @Test func base64OfEveryByteValue() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        // A plain bit-by-bit encoder as the reference.
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            var result: [UInt8] = []
            var index = 0
            while index < bytes.count {
                let chunk = Array(bytes[index..<Swift.min(index + 3, bytes.count)])
                var value = 0
                for position in 0..<3 { value = value << 8 | (position < chunk.count ? Int(chunk[position]) : 0) }
                for position in 0..<4 {
                    result.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 0x3F] : UInt8(ascii: "="))
                }
                index += 3
            }
            return result
        }
        for length in [1, 2, 3, 4, 255, 256, 257, 768] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + length) }
            var out = ByteWriter { _ in }
            Base64.encode(bytes, into: &out)
            #expect(Array(out.text.utf8) == reference(bytes), "length \(length)")
        }
    }
}
