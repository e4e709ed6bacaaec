import ATTraceCore

/// A time printed on a log line, before it is placed on the capture's clock
/// (log-dialects.md "Time"; the design in Docs/Import.md).
enum LogTime: Hashable, Sendable {
    /// A date and time (or epoch seconds): a UTC instant.
    case absolute(Timestamp)
    /// Nanoseconds since the device booted: placed after 1970-01-01T00:00:00Z.
    case sinceBoot(Int64)
    /// Nanoseconds since midnight, without a date: placed on 1970-01-01.
    case timeOfDay(Int64)

    /// The start event's `clock` value for this kind of time.
    var clock: String {
        switch self {
        case .absolute: "absolute"
        case .sinceBoot: "relative"
        case .timeOfDay: "time-of-day"
        }
    }
}

/// Readers for the time notations of log-dialects.md, each on a ``ByteCursor`` that is
/// left unchanged when the notation is not there.
enum TimeParser {
    static let nanosecondsPerSecond: Int64 = 1_000_000_000
    static let nanosecondsPerDay: Int64 = 86_400 * nanosecondsPerSecond

    /// `value` times `unit` nanoseconds plus `offset`, or `nil` when that does not fit the
    /// capture's 64-bit clock: a damaged number (`[99999999999.5]`, year 9999) is not a time.
    static func nanoseconds(_ value: Int64, per unit: Int64, plus offset: Int64 = 0) -> Int64? {
        let (product, overflows) = value.multipliedReportingOverflow(by: unit)
        let (sum, sumOverflows) = product.addingReportingOverflow(offset)
        return overflows || sumOverflows ? nil : sum
    }

    /// `.123`, `,123456`, `:123`: the fraction after a separator, as nanoseconds.
    static func fraction(_ cursor: inout ByteCursor, separators: [UInt8] = [0x2E, 0x2C]) -> Int64? {
        guard let separator = cursor.current, separators.contains(separator),
              let next = cursor.peek(1), ByteSearch.isDigit(next) else { return nil }
        cursor.index += 1
        var value: Int64 = 0
        var count = 0
        while let byte = cursor.current, ByteSearch.isDigit(byte) {
            if count < 9 {
                value = value * 10 + Int64(byte - 0x30)
            }
            count += 1
            cursor.index += 1
        }
        for _ in min(count, 9)..<9 { value *= 10 }
        return value
    }

    /// `HH:MM:SS` with an optional fraction: nanoseconds since midnight.
    static func timeOfDay(_ cursor: inout ByteCursor, fractionSeparators: [UInt8] = [0x2E, 0x2C]) -> Int64? {
        let start = cursor.index
        guard let hour = cursor.digits(maximum: 2), hour.value < 24, cursor.skip(0x3A),
              let minute = cursor.fixedDigits(2), minute < 60, cursor.skip(0x3A),
              let second = cursor.fixedDigits(2), second < 61 else {
            cursor.index = start
            return nil
        }
        let fraction = fraction(&cursor, separators: fractionSeparators) ?? 0
        return ((hour.value * 60 + minute) * 60 + second) * nanosecondsPerSecond + fraction
    }

    /// `YYYY-MM-DD` or `YYYY/MM/DD`: days since 1970-01-01.
    static func date(_ cursor: inout ByteCursor) -> Int64? {
        let start = cursor.index
        guard let year = cursor.fixedDigits(4), let separator = cursor.current, separator == 0x2D || separator == 0x2F else {
            cursor.index = start
            return nil
        }
        cursor.index += 1
        guard let month = cursor.fixedDigits(2), (1...12).contains(month), cursor.skip(separator),
              let day = cursor.fixedDigits(2), (1...31).contains(day) else {
            cursor.index = start
            return nil
        }
        return Timestamp.daysSinceEpoch(year: year, month: month, day: day)
    }

    /// A date, a separator (`T`, space, `_`, `-`), a time of day and an optional zone
    /// (`Z`, `+hh:mm`, `+hhmm`): an absolute time.
    static func dateTime(_ cursor: inout ByteCursor, fractionSeparators: [UInt8] = [0x2E, 0x2C]) -> Timestamp? {
        let start = cursor.index
        guard let days = date(&cursor) else { return nil }
        guard let separator = cursor.current, [UInt8(ascii: "T"), 0x20, 0x5F, 0x2D].contains(separator) else {
            cursor.index = start
            return nil
        }
        cursor.index += 1
        guard let time = timeOfDay(&cursor, fractionSeparators: fractionSeparators) else {
            cursor.index = start
            return nil
        }
        let zone = zoneOffset(&cursor)
        guard let nanoseconds = nanoseconds(days, per: nanosecondsPerDay, plus: time - zone * 60 * nanosecondsPerSecond) else {
            cursor.index = start
            return nil
        }
        return Timestamp(nanoseconds: nanoseconds)
    }

    /// A zone suffix in minutes east of UTC (0 when absent or `Z`).
    static func zoneOffset(_ cursor: inout ByteCursor) -> Int64 {
        if cursor.skip(UInt8(ascii: "Z")) { return 0 }
        let start = cursor.index
        guard let sign = cursor.current, sign == 0x2B || sign == 0x2D else { return 0 }
        cursor.index += 1
        guard let hours = cursor.fixedDigits(2) else {
            cursor.index = start
            return 0
        }
        cursor.skip(0x3A)
        let minutes = cursor.fixedDigits(2) ?? 0
        let value = hours * 60 + minutes
        return sign == 0x2D ? -value : value
    }

    /// Epoch seconds with a fraction (`1700000000.123456`): at least nine integer digits,
    /// so small numbers are not taken for dates.
    static func epochSeconds(_ cursor: inout ByteCursor) -> Timestamp? {
        let start = cursor.index
        guard let seconds = cursor.digits(maximum: 12), seconds.count >= 9 else {
            cursor.index = start
            return nil
        }
        let fraction = fraction(&cursor, separators: [0x2E]) ?? 0
        guard let nanoseconds = nanoseconds(seconds.value, per: nanosecondsPerSecond, plus: fraction) else {
            cursor.index = start
            return nil
        }
        return Timestamp(nanoseconds: nanoseconds)
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// A three-letter English month name: 1–12.
    static func monthName(_ cursor: inout ByteCursor) -> Int64? {
        guard cursor.bytes.count - cursor.index >= 3 else { return nil }
        let name = String(decoding: cursor.bytes[cursor.index..<(cursor.index + 3)].map(ByteSearch.lowercased), as: UTF8.self)
        guard let month = monthNames.firstIndex(of: name) else { return nil }
        cursor.index += 3
        return Int64(month + 1)
    }

    /// A syslog / journald prefix time: `Nov 24 10:00:00[.123456]` (no year: a time of
    /// day), or OpenWrt logread's `Fri Nov 24 10:00:00 2023` (absolute).
    static func syslog(_ cursor: inout ByteCursor) -> LogTime? {
        let start = cursor.index
        if cursor.bytes.count - cursor.index >= 4,
           dayNames.contains(String(decoding: cursor.bytes[cursor.index..<(cursor.index + 3)].map(ByteSearch.lowercased), as: UTF8.self)),
           cursor.peek(3) == 0x20 {
            cursor.index += 4
        }
        guard let month = monthName(&cursor), cursor.skipSpaces() > 0, let day = cursor.digits(maximum: 2),
              cursor.skipSpaces() > 0, let time = timeOfDay(&cursor) else {
            cursor.index = start
            return nil
        }
        let afterTime = cursor.index
        if cursor.skipSpaces() > 0, let year = cursor.fixedDigits(4), cursor.current == nil || cursor.current == 0x20,
           let nanoseconds = nanoseconds(Timestamp.daysSinceEpoch(year: year, month: month, day: day.value),
                                         per: nanosecondsPerDay, plus: time) {
            return .absolute(Timestamp(nanoseconds: nanoseconds))
        }
        cursor.index = afterTime
        return .timeOfDay(time)
    }

    /// Any of the notations above, or a bare number (seconds with a fraction, or whole
    /// milliseconds, since boot), for `--pattern` time groups without `--time-format`.
    static func anyTime(_ bytes: [UInt8]) -> LogTime? {
        var cursor = ByteCursor(Array(ByteSearch.trimmed(bytes[...])))
        if let time = dateTime(&cursor), cursor.isAtEnd { return .absolute(time) }
        cursor.index = 0
        if let time = syslog(&cursor), cursor.isAtEnd { return time }
        cursor.index = 0
        if let time = epochSeconds(&cursor), cursor.isAtEnd { return .absolute(time) }
        cursor.index = 0
        if let time = timeOfDay(&cursor, fractionSeparators: [0x2E, 0x2C, 0x3A]), cursor.isAtEnd { return .timeOfDay(time) }
        cursor.index = 0
        if let whole = cursor.digits() {
            if let fraction = fraction(&cursor, separators: [0x2E]), cursor.isAtEnd {
                return nanoseconds(whole.value, per: nanosecondsPerSecond, plus: fraction).map { .sinceBoot($0) }
            }
            if cursor.isAtEnd, let nanoseconds = nanoseconds(whole.value, per: 1_000_000) {
                // Thirteen digits are epoch milliseconds; fewer are milliseconds since boot.
                return whole.count >= 13 ? .absolute(Timestamp(nanoseconds: nanoseconds)) : .sinceBoot(nanoseconds)
            }
        }
        return nil
    }
}
