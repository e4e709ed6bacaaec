import ATTraceCore

/// Reads a trace script line by line into capture records (Samples/scripts/README.md,
/// "Format"): directives, comments, and one row per record.
///
/// Accepted line shapes (leading white space allowed everywhere):
///
///     (empty)                          ignored
///     # text                           comment ('#' as the first non-blank character)
///     @title text                      the rest of the line, taken literally
///     @start 2026-11-24T10:00:00Z      UTC time of t = 0; fraction and ±hh:mm allowed
///     @channel 2                       channel of the rows that follow
///     @truncate 5                      bytes to cut from the end of the sample's capture file
///     3.020 < <CR><LF>><SP>            time, direction, ONE space, data (TraceScriptDataParser)
///     5.000 ! {"event":"mark"}         time, '!', one space, a JSON object
///
/// `@start`, `@channel` and `@truncate` may end with a `# comment` after white space; rows
/// and `@title` may not (a '#' there is data). Times are exact: nanoseconds are built from
/// the digits, never through floating point.
struct TraceScriptParser {
    let name: String
    private var title: String?
    private var start = TraceScript.defaultStart
    private var channel: UInt32 = 0
    private var truncateBytes: Int?
    private var records: [CaptureRecord] = []
    private var previousTime: (nanoseconds: Int64, text: String)?
    private var lineNumber = 0

    init(name: String) {
        self.name = name
    }

    static func parse(_ text: String, name: String) throws(TraceScriptError) -> TraceScript {
        var parser = TraceScriptParser(name: name)
        let bytes = Array(text.utf8)
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            parser.lineNumber += 1
            var content = bytes[lineStart..<lineEnd]
            // Scripts written on Windows end lines with CR LF; the CR is not data.
            if content.last == 0x0D { content = content.dropLast() }
            do throws(TraceScriptError.Reason) {
                try parser.parseLine(content)
            } catch {
                throw TraceScriptError(scriptName: name, line: parser.lineNumber, reason: error)
            }
            lineStart = lineEnd + 1
        }
        return TraceScript(name: name, title: parser.title, start: parser.start, records: parser.records,
                           truncateBytes: parser.truncateBytes)
    }

    // MARK: - Lines

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    private mutating func parseLine(_ line: ArraySlice<UInt8>) throws(TraceScriptError.Reason) {
        let content = line.drop(while: Self.isBlank)
        guard let first = content.first else { return }
        switch first {
        case UInt8(ascii: "#"):
            return
        case UInt8(ascii: "@"):
            try parseDirective(content.dropFirst())
        default:
            try parseRow(content)
        }
    }

    private mutating func parseDirective(_ text: ArraySlice<UInt8>) throws(TraceScriptError.Reason) {
        let nameEnd = text.firstIndex(where: Self.isBlank) ?? text.endIndex
        let directive = String(decoding: text[text.startIndex..<nameEnd], as: UTF8.self)
        let rawValue = text[nameEnd...].drop(while: Self.isBlank)
        switch directive {
        case "title":
            guard title == nil else { throw .duplicateDirective(directive) }
            title = String(decoding: Self.trimmingTrailingBlanks(rawValue), as: UTF8.self)
        case "start":
            guard records.isEmpty else { throw .startAfterRows }
            let value = Self.valueWithoutComment(rawValue)
            guard let time = Self.parseISO8601(value) else {
                throw .invalidDirectiveValue(directive: directive, value: value)
            }
            start = time
        case "channel":
            let value = Self.valueWithoutComment(rawValue)
            guard let number = UInt32(value) else { throw .invalidDirectiveValue(directive: directive, value: value) }
            channel = number
        case "truncate":
            guard truncateBytes == nil else { throw .duplicateDirective(directive) }
            let value = Self.valueWithoutComment(rawValue)
            guard let count = Int(value), count > 0 else {
                throw .invalidDirectiveValue(directive: directive, value: value)
            }
            truncateBytes = count
        default:
            throw .unknownDirective(directive)
        }
    }

    /// A directive value up to an optional `# comment` that follows white space.
    private static func valueWithoutComment(_ text: ArraySlice<UInt8>) -> String {
        var end = text.endIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: "#"), index == text.startIndex || isBlank(text[index - 1]) {
                end = index
                break
            }
            index += 1
        }
        return String(decoding: trimmingTrailingBlanks(text[text.startIndex..<end]), as: UTF8.self)
    }

    private static func trimmingTrailingBlanks(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = text.endIndex
        while end > text.startIndex, isBlank(text[end - 1]) { end -= 1 }
        return text[text.startIndex..<end]
    }

    // MARK: - Rows

    private mutating func parseRow(_ text: ArraySlice<UInt8>) throws(TraceScriptError.Reason) {
        let timeEnd = text.firstIndex(where: Self.isBlank) ?? text.endIndex
        let timeText = String(decoding: text[text.startIndex..<timeEnd], as: UTF8.self)
        guard let offset = Self.parseSeconds(text[text.startIndex..<timeEnd]) else { throw .invalidTime(timeText) }
        if let previous = previousTime, offset < previous.nanoseconds {
            throw .timeDecreases(previous: previous.text, current: timeText)
        }
        previousTime = (offset, timeText)
        let time = start.adding(Duration(nanoseconds: offset))

        let rest = text[timeEnd...].drop(while: Self.isBlank)
        guard let directionByte = rest.first else { throw .missingDirection }
        let afterDirection = rest.dropFirst()
        if let next = afterDirection.first, next != 0x20 {
            // `>x` and `>>` are typos for a direction followed by data.
            let word = rest.prefix(while: { !Self.isBlank($0) })
            if ![UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "?"), UInt8(ascii: "!")].contains(directionByte) {
                throw .unknownDirection(String(decoding: word, as: UTF8.self))
            }
            throw .missingSpaceAfterDirection
        }
        // Exactly one space separates the direction from the data; trailing blanks are layout.
        let data = Self.trimmingTrailingBlanks(afterDirection.dropFirst())
        let frame = records.count + 1

        let direction: Direction
        switch directionByte {
        case UInt8(ascii: ">"): direction = .host
        case UInt8(ascii: "<"): direction = .modem
        case UInt8(ascii: "?"): direction = .unknown
        case UInt8(ascii: "!"):
            guard !data.isEmpty else { throw .eventNotObject("(empty)") }
            guard let event = RecorderEvent(time: time, frame: frame, channel: channel, json: Array(data)) else {
                throw .eventNotObject(String(decoding: data, as: UTF8.self))
            }
            records.append(.event(event))
            return
        default:
            throw .unknownDirection(String(decoding: rest.prefix(while: { !Self.isBlank($0) }), as: UTF8.self))
        }
        let bytes = try TraceScriptDataParser.bytes(of: data)
        guard !bytes.isEmpty else { throw .emptyRow }
        records.append(.chunk(TraceChunk(time: time, frame: frame, channel: channel, direction: direction, bytes: bytes)))
    }

    // MARK: - Times

    /// Seconds as `<digits>[.<1–9 digits>]` → nanoseconds, exactly.
    static func parseSeconds(_ text: ArraySlice<UInt8>) -> Int64? {
        var seconds: Int64 = 0
        var index = text.startIndex
        var integerDigits = 0
        while index < text.endIndex, let digit = digitValue(text[index]) {
            // 10 digits of seconds is over 300 years; more would overflow nanoseconds.
            guard integerDigits < 10 else { return nil }
            seconds = seconds * 10 + digit
            integerDigits += 1
            index += 1
        }
        guard integerDigits > 0 else { return nil }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if index < text.endIndex {
            guard text[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            while index < text.endIndex, let digit = digitValue(text[index]) {
                guard fractionDigits < 9 else { return nil }
                fraction = fraction * 10 + digit
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0, index == text.endIndex else { return nil }
        }
        for _ in fractionDigits..<9 { fraction *= 10 }
        return seconds * 1_000_000_000 + fraction
    }

    private static func digitValue(_ byte: UInt8) -> Int64? {
        byte >= 48 && byte <= 57 ? Int64(byte - 48) : nil
    }

    /// `YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm|±hhmm)`; a space may replace the `T`.
    static func parseISO8601(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                guard let digit = digitValue(bytes[index + offset]) else { return nil }
                value = value * 10 + digit
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                guard digits < 9 else { return nil }
                fraction = fraction * 10 + digit
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { fraction *= 10 }
        }
        var offsetSeconds: Int64 = 0
        guard index < bytes.count else { return nil }
        if expect("Zz") {
            offsetSeconds = 0
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2) else { return nil }
            _ = expect(":")
            guard let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = Timestamp.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Timestamp(seconds: seconds, nanoseconds: fraction)
    }
}
