import ATTraceCore

/// Remembers the `YYYY-MM-DDT` text of the last day written.
struct DateCache {
    private var day: Int64 = .min
    private var prefix: [UInt8] = []

    mutating func append(_ time: Timestamp, to out: inout [UInt8]) {
        let (seconds, fraction) = time.secondsAndFraction
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        if day != self.day {
            var full: [UInt8] = []
            time.appendISO8601(to: &full)
            prefix = Array(full.prefix(11))
            self.day = day
        }
        out.append(contentsOf: prefix)
        let second = seconds - day * 86_400
        // `HH:MM:SS.nnnnnnnnnZ`, built on the stack and appended at once (one capacity check
        // instead of twenty).
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { text in
            func two(_ value: Int64, at index: Int) {
                text[index] = 48 + UInt8(value / 10)
                text[index + 1] = 48 + UInt8(value % 10)
            }
            two(second / 3600, at: 0)
            text[2] = UInt8(ascii: ":")
            two(second / 60 % 60, at: 3)
            text[5] = UInt8(ascii: ":")
            two(second % 60, at: 6)
            text[8] = UInt8(ascii: ".")
            var rest = fraction
            for index in stride(from: 17, through: 9, by: -1) {
                text[index] = 48 + UInt8(rest % 10)
                rest /= 10
            }
            text[18] = UInt8(ascii: "Z")
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[0..<19]))
        }
    }
}

/// Builds output text as bytes (no `String` on the hot path) and hands it to a sink in
/// large blocks. Public only for `attrace-bench --stages`, which times the formatters.
public struct ByteWriter {
    var buffer: [UInt8] = []
    let sink: (UnsafeRawBufferPointer) -> Void
    let flushThreshold: Int

    public init(flushThreshold: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.flushThreshold = flushThreshold
        self.sink = sink
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    @inline(__always) mutating func write(_ byte: UInt8) { buffer.append(byte) }
    @inline(__always) mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }
    /// Disfavored so that literals take the `StaticString` overload, a plain copy of bytes.
    @_disfavoredOverload
    @inline(__always) mutating func write(_ text: String) { buffer.append(contentsOf: text.utf8) }
    @inline(__always) mutating func write<C: Collection>(bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// Decimal digits without building a `String`.
    mutating func write(integer value: Int) {
        if value >= 0 && value < 10 {
            buffer.append(48 + UInt8(value))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[23 - count] = 48 + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
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
        write(integer: Int(whole))
        guard maximumDecimals > 0 else { return }
        var scratch: (UInt64, UInt64) = (0, 0)  // up to 16 decimals
        withUnsafeMutableBytes(of: &scratch) { digits in
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
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[0..<count]))
        }
    }

    /// ISO-8601 UTC time in quotes; the date part is cached (it rarely changes).
    mutating func writeQuoted(time: Timestamp, cache: inout DateCache) {
        buffer.append(UInt8(ascii: "\""))
        cache.append(time, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
    }

    @inline(__always) mutating func flushIfNeeded() {
        if buffer.count >= flushThreshold { flush() }
    }

    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
