import ATTraceCore

/// A `--time-format` for the `regex` dialect: a strftime-like pattern (`%Y-%m-%d %H:%M:%S.%f`,
/// as text2pcap's `-t`), or a number of a named unit (`epoch`, `epoch-ms`, `epoch-us`, `s`,
/// `ms`, `us` since boot).
struct TimeFormat: Hashable, Sendable {
    private enum Element: Hashable, Sendable {
        case literal(UInt8)
        case year, month, monthName, day, hour, minute, second, fraction, zone, epochSeconds
        case anySpace
    }

    private enum Kind: Hashable, Sendable {
        case pattern([Element])
        /// A number scaled to nanoseconds, absolute (epoch) or since boot.
        case number(nanosecondsPerUnit: Int64, absolute: Bool)
    }

    private let kind: Kind

    init(_ text: String) throws(ImportError) {
        switch text {
        case "epoch", "epoch-s": kind = .number(nanosecondsPerUnit: 1_000_000_000, absolute: true)
        case "epoch-ms": kind = .number(nanosecondsPerUnit: 1_000_000, absolute: true)
        case "epoch-us": kind = .number(nanosecondsPerUnit: 1_000, absolute: true)
        case "s": kind = .number(nanosecondsPerUnit: 1_000_000_000, absolute: false)
        case "ms": kind = .number(nanosecondsPerUnit: 1_000_000, absolute: false)
        case "us": kind = .number(nanosecondsPerUnit: 1_000, absolute: false)
        default:
            var elements: [Element] = []
            var bytes = Array(text.utf8)[...]
            while let byte = bytes.first {
                bytes = bytes.dropFirst()
                if byte == 0x20 {
                    elements.append(.anySpace)
                    continue
                }
                guard byte == 0x25 else {
                    elements.append(.literal(byte))
                    continue
                }
                guard let code = bytes.first else { throw .invalidTimeFormat("'\(text)' ends with %") }
                bytes = bytes.dropFirst()
                switch code {
                case UInt8(ascii: "Y"): elements.append(.year)
                case UInt8(ascii: "m"): elements.append(.month)
                case UInt8(ascii: "b"): elements.append(.monthName)
                case UInt8(ascii: "d"), UInt8(ascii: "e"): elements.append(.day)
                case UInt8(ascii: "H"): elements.append(.hour)
                case UInt8(ascii: "M"): elements.append(.minute)
                case UInt8(ascii: "S"): elements.append(.second)
                case UInt8(ascii: "f"): elements.append(.fraction)
                case UInt8(ascii: "z"): elements.append(.zone)
                case UInt8(ascii: "s"): elements.append(.epochSeconds)
                case UInt8(ascii: "T"): elements += [.hour, .literal(0x3A), .minute, .literal(0x3A), .second]
                case UInt8(ascii: "F"): elements += [.year, .literal(0x2D), .month, .literal(0x2D), .day]
                case 0x25: elements.append(.literal(0x25))
                default:
                    throw .invalidTimeFormat("'\(text)' uses %\(Character(Unicode.Scalar(code))), "
                                             + "which is not one of %Y %m %b %d %e %H %M %S %f %z %s %T %F")
                }
            }
            guard elements.contains(where: { [.second, .epochSeconds].contains($0) }) else {
                throw .invalidTimeFormat("'\(text)' has no seconds (%S or %s); or use epoch, epoch-ms, epoch-us, s, ms, us")
            }
            kind = .pattern(elements)
        }
    }

    /// The time in `bytes`, or `nil` when they do not have this format.
    func parse(_ bytes: [UInt8]) -> LogTime? {
        var cursor = ByteCursor(Array(ByteSearch.trimmed(bytes[...])))
        switch kind {
        case .number(let unit, let absolute):
            guard let whole = cursor.digits() else { return nil }
            let fraction = TimeParser.fraction(&cursor, separators: [0x2E]) ?? 0
            guard cursor.isAtEnd else { return nil }
            guard let nanoseconds = TimeParser.nanoseconds(whole.value, per: unit,
                                                           plus: fraction * unit / TimeParser.nanosecondsPerSecond) else { return nil }
            return absolute ? .absolute(Timestamp(nanoseconds: nanoseconds)) : .sinceBoot(nanoseconds)
        case .pattern(let elements):
            var year: Int64?, month: Int64 = 1, day: Int64 = 1
            var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, fraction: Int64 = 0, zone: Int64 = 0
            var epoch: Int64?
            for element in elements {
                switch element {
                case .literal(let byte):
                    guard cursor.skip(byte) else { return nil }
                case .anySpace:
                    guard cursor.skipSpaces() > 0 else { return nil }
                case .year:
                    guard let value = cursor.fixedDigits(4) else { return nil }
                    year = value
                case .month:
                    guard let value = cursor.digits(maximum: 2), (1...12).contains(value.value) else { return nil }
                    month = value.value
                case .monthName:
                    guard let value = TimeParser.monthName(&cursor) else { return nil }
                    month = value
                case .day:
                    cursor.skipSpaces()
                    guard let value = cursor.digits(maximum: 2), (1...31).contains(value.value) else { return nil }
                    day = value.value
                case .hour:
                    guard let value = cursor.digits(maximum: 2), value.value < 24 else { return nil }
                    hour = value.value
                case .minute:
                    guard let value = cursor.digits(maximum: 2), value.value < 60 else { return nil }
                    minute = value.value
                case .second:
                    guard let value = cursor.digits(maximum: 2), value.value < 61 else { return nil }
                    second = value.value
                case .fraction:
                    // %f follows its own separator in the format; read the digits here.
                    let start = cursor.index
                    var digits = cursor.take(while: ByteSearch.isDigit)
                    if digits.isEmpty { cursor.index = start; return nil }
                    if digits.count > 9 { digits = digits.prefix(9) }
                    fraction = digits.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
                    for _ in digits.count..<9 { fraction *= 10 }
                case .zone:
                    zone = TimeParser.zoneOffset(&cursor)
                case .epochSeconds:
                    guard let value = cursor.digits() else { return nil }
                    epoch = value.value
                }
            }
            guard cursor.isAtEnd else { return nil }
            let perSecond = TimeParser.nanosecondsPerSecond
            if let epoch {
                return TimeParser.nanoseconds(epoch, per: perSecond, plus: fraction).map { .absolute(Timestamp(nanoseconds: $0)) }
            }
            let time = ((hour * 60 + minute) * 60 + second) * perSecond + fraction
            guard let year else { return .timeOfDay(time) }
            let days = Timestamp.daysSinceEpoch(year: year, month: month, day: day)
            return TimeParser.nanoseconds(days, per: TimeParser.nanosecondsPerDay, plus: time - zone * 60 * perSecond)
                .map { .absolute(Timestamp(nanoseconds: $0)) }
        }
    }
}
