import ATTraceCore

/// Remembers the `YYYY-MM-DDT` text of the last day written.
struct DateCache {
    private var day: Int64 = .min
    /// `YYYY-MM-DDT`: eleven bytes.
    private var prefix: (UInt64, UInt64) = (0, 0)

    /// Writes `time` as ISO-8601 UTC without quotes: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
    mutating func append(_ time: Timestamp, to out: inout ByteWriter) {
        let (seconds, fraction) = time.secondsAndFraction
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        if day != self.day {
            var full: [UInt8] = []
            time.appendISO8601(to: &full)
            withUnsafeMutableBytes(of: &prefix) { bytes in
                for index in 0..<11 { bytes[index] = full[index] }
            }
            self.day = day
        }
        let second = seconds - day * 86_400
        // The date, then `HH:MM:SS.nnnnnnnnnZ`, written in place: one capacity check.
        let prefix = prefix
        out.write(exactly: 30) { text in
            withUnsafeBytes(of: prefix) { date in
                text.update(from: date.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 11)
            }
            func two(_ value: Int64, at index: Int) {
                text[index] = 48 + UInt8(value / 10)
                text[index + 1] = 48 + UInt8(value % 10)
            }
            two(second / 3600, at: 11)
            text[13] = UInt8(ascii: ":")
            two(second / 60 % 60, at: 14)
            text[16] = UInt8(ascii: ":")
            two(second % 60, at: 17)
            text[19] = UInt8(ascii: ".")
            var rest = fraction
            for index in stride(from: 28, through: 20, by: -1) {
                text[index] = 48 + UInt8(rest % 10)
                rest /= 10
            }
            text[29] = UInt8(ascii: "Z")
        }
    }
}

/// Builds output text as bytes (no `String` on the hot path) and hands it to a sink in
/// large blocks. Public only for `attrace-bench --stages`, which times the formatters.
///
/// The bytes live in one buffer of its own that only grows: a write is a capacity check and
/// a store, where an array's append also asks whether its storage is shared. Noncopyable,
/// because two writers must not own one buffer.
public struct ByteWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    /// Bytes written since the last flush.
    private(set) var count = 0
    private var capacity: Int
    let sink: (UnsafeRawBufferPointer) -> Void
    let flushThreshold: Int

    public init(flushThreshold: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.flushThreshold = flushThreshold
        self.sink = sink
        capacity = flushThreshold + 4096
        start = .allocate(capacity: capacity)
    }

    deinit {
        start.deallocate()
    }

    /// Makes room for `extra` more bytes (a record can be larger than the flush threshold:
    /// the buffer grows rather than flushing in the middle of it).
    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    private mutating func grow(_ extra: Int) {
        let newCapacity = Swift.max(capacity * 2, count + extra)
        let newStart = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStart.update(from: start, count: count)
        start.deallocate()
        start = newStart
        capacity = newCapacity
    }

    @inline(__always) mutating func write(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    @inline(__always) mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { write(raw: UnsafeRawBufferPointer($0)) }
    }

    /// Disfavored so that literals take the `StaticString` overload, a plain copy of bytes.
    @_disfavoredOverload
    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { write(raw: UnsafeRawBufferPointer($0)) }
    }

    @inline(__always) mutating func write(raw bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (start + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    @inline(__always) mutating func write<C: Collection>(bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ write(raw: UnsafeRawBufferPointer($0)) }) == nil {
            reserve(bytes.count)
            for byte in bytes {
                start[count] = byte
                count += 1
            }
        }
    }

    /// Lets `body` write exactly `length` bytes in place.
    @inline(__always)
    mutating func write(exactly length: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(length)
        body(start + count)
        count += length
    }

    /// The last byte written since the last flush.
    var last: UInt8? { count > 0 ? start[count - 1] : nil }

    mutating func removeLast() {
        precondition(count > 0, "nothing to remove")
        count -= 1
    }

    /// The bytes written since the last flush, as text (for small writers that format a
    /// value and are never flushed).
    var text: String {
        String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// Calls `body` with the bytes written since the last flush, to change some in place.
    mutating func withWrittenBytes<Result>(_ body: (UnsafeMutableBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeMutableBufferPointer(start: start, count: count))
    }

    /// Appends `byte` `repetitions` times.
    mutating func write(_ byte: UInt8, repeating repetitions: Int) {
        guard repetitions > 0 else { return }
        reserve(repetitions)
        (start + count).update(repeating: byte, count: repetitions)
        count += repetitions
    }

    /// Decimal digits without building a `String`.
    mutating func write(integer value: Int) {
        if value >= 0 && value < 10 {
            write(48 + UInt8(value))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { write(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        var length = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[23 - length] = 48 + UInt8(magnitude % 10)
                magnitude /= 10
                length += 1
            } while magnitude > 0
            write(raw: UnsafeRawBufferPointer(rebasing: scratch[(24 - length)...]))
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
            write(UInt8(ascii: "-"))
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
            write(UInt8(ascii: "."))
            write(raw: UnsafeRawBufferPointer(rebasing: digits[0..<count]))
        }
    }

    /// ISO-8601 UTC time in quotes; the date part is cached (it rarely changes).
    mutating func writeQuoted(time: Timestamp, cache: inout DateCache) {
        write(UInt8(ascii: "\""))
        cache.append(time, to: &self)
        write(UInt8(ascii: "\""))
    }

    @inline(__always) mutating func flushIfNeeded() {
        if count >= flushThreshold { flush() }
    }

    public mutating func flush() {
        guard count > 0 else { return }
        sink(UnsafeRawBufferPointer(start: start, count: count))
        count = 0
    }
}
