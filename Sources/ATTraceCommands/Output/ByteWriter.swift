import ATTraceCore

/// Builds output text as bytes (no `String` on the hot path) and hands it to a sink in
/// large blocks.
struct ByteWriter {
    var buffer: [UInt8] = []
    let sink: (UnsafeRawBufferPointer) -> Void
    let flushThreshold: Int

    init(flushThreshold: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.flushThreshold = flushThreshold
        self.sink = sink
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    @inline(__always) mutating func write(_ byte: UInt8) { buffer.append(byte) }
    @inline(__always) mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }
    @inline(__always) mutating func write(_ text: String) { buffer.append(contentsOf: text.utf8) }
    @inline(__always) mutating func write<C: Collection>(bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    mutating func write(integer value: Int) {
        if value >= 0 && value < 10 {
            buffer.append(48 + UInt8(value))
        } else {
            buffer.append(contentsOf: String(value).utf8)
        }
    }

    /// Writes `nanoseconds / 10^9` with up to nine decimals, trailing zeros removed.
    mutating func write(seconds nanoseconds: Int64, maximumDecimals: Int = 9) {
        write(fixedPoint: nanoseconds, scale: 1_000_000_000, decimals: 9, maximumDecimals: maximumDecimals, trim: true)
    }

    /// Writes a fixed-point number `value / scale`, `decimals` digits after the point.
    mutating func write(fixedPoint value: Int64, scale: Int64, decimals: Int, maximumDecimals: Int, trim: Bool) {
        var v = value
        if v < 0 {
            buffer.append(UInt8(ascii: "-"))
            v = -v
        }
        var whole = v / scale
        var fraction = v % scale
        // Round to `maximumDecimals`.
        var dropped: Int64 = 1
        for _ in 0..<(decimals - maximumDecimals) { dropped *= 10 }
        if dropped > 1 {
            fraction = (fraction + dropped / 2) / dropped
            var limit: Int64 = 1
            for _ in 0..<maximumDecimals { limit *= 10 }
            if fraction >= limit {
                fraction -= limit
                whole += 1
            }
        }
        buffer.append(contentsOf: String(whole).utf8)
        guard maximumDecimals > 0 else { return }
        var digits = [UInt8](repeating: 48, count: maximumDecimals)
        var f = fraction
        var i = maximumDecimals - 1
        while i >= 0 {
            digits[i] = 48 + UInt8(f % 10)
            f /= 10
            i -= 1
        }
        var count = maximumDecimals
        if trim {
            while count > 0 && digits[count - 1] == 48 { count -= 1 }
            if count == 0 { return }
        }
        buffer.append(UInt8(ascii: "."))
        buffer.append(contentsOf: digits[0..<count])
    }

    @inline(__always) mutating func flushIfNeeded() {
        if buffer.count >= flushThreshold { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
