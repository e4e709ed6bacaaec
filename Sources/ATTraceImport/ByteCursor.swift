import ATTraceCore

/// A read position in the bytes of one log line, with the small matchers the dialect
/// grammars are written in (importers scan bytes, not `String`s, so binary data and
/// invalid UTF-8 pass through unchanged).
struct ByteCursor {
    let bytes: [UInt8]
    var index: Int

    init(_ bytes: [UInt8], at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var isAtEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    var rest: ArraySlice<UInt8> { bytes[min(index, bytes.count)...] }

    func peek(_ offset: Int = 0) -> UInt8? {
        let position = index + offset
        return position >= 0 && position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` if it is next.
    @discardableResult
    mutating func skip(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// Consumes spaces and tabs; returns how many.
    @discardableResult
    mutating func skipSpaces() -> Int {
        let start = index
        while let byte = current, byte == 0x20 || byte == 0x09 { index += 1 }
        return index - start
    }

    /// Consumes `outgoing` (the host's marker) or `incoming` (the module's), whichever is
    /// next, and says whose entry this is.
    mutating func skipDirection(_ outgoing: String, _ incoming: String) -> Direction? {
        if skip(outgoing) { return .host }
        if skip(incoming) { return .modem }
        return nil
    }

    /// Consumes `text` if it is next (ASCII, case-sensitive unless told otherwise).
    @discardableResult
    mutating func skip(_ text: String, ignoringCase: Bool = false) -> Bool {
        guard ByteSearch.hasPrefix(bytes, Array(text.utf8), at: index, ignoringCase: ignoringCase) else { return false }
        index += text.utf8.count
        return true
    }

    /// Consumes 1…`maximum` decimal digits and returns their value and count.
    mutating func digits(maximum: Int = 18) -> (value: Int64, count: Int)? {
        var value: Int64 = 0
        var count = 0
        while count < maximum, let byte = current, byte >= 0x30, byte <= 0x39 {
            value = value * 10 + Int64(byte - 0x30)
            count += 1
            index += 1
        }
        return count == 0 ? nil : (value, count)
    }

    /// Consumes exactly `count` digits.
    mutating func fixedDigits(_ count: Int) -> Int64? {
        let start = index
        guard let result = digits(maximum: count), result.count == count else {
            index = start
            return nil
        }
        return result.value
    }

    /// Consumes bytes up to (not including) `byte`; `nil` (and nothing consumed) when it
    /// does not occur.
    mutating func take(until byte: UInt8) -> ArraySlice<UInt8>? {
        guard let end = bytes[index...].firstIndex(of: byte) else { return nil }
        defer { index = end }
        return bytes[index..<end]
    }

    /// Consumes bytes while `predicate` holds.
    mutating func take(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while let byte = current, predicate(byte) { index += 1 }
        return bytes[start..<index]
    }
}

/// Byte-string searches used by the importers.
enum ByteSearch {
    static func hasPrefix<C: Collection>(_ bytes: C, _ prefix: [UInt8], at start: C.Index,
                                          ignoringCase: Bool = false) -> Bool where C.Element == UInt8, C.Index == Int {
        guard start >= bytes.startIndex, bytes.endIndex - start >= prefix.count else { return false }
        for (offset, expected) in prefix.enumerated() {
            let actual = bytes[start + offset]
            if actual == expected { continue }
            if ignoringCase, lowercased(actual) == lowercased(expected) { continue }
            return false
        }
        return true
    }

    /// The first index at or after `start` where `needle` occurs.
    static func find<C: Collection>(_ needle: [UInt8], in bytes: C, from start: C.Index,
                                    ignoringCase: Bool = false) -> C.Index? where C.Element == UInt8, C.Index == Int {
        guard let first = needle.first, bytes.endIndex - needle.count >= start else { return nil }
        var index = max(start, bytes.startIndex)
        let last = bytes.endIndex - needle.count
        while index <= last {
            let byte = bytes[index]
            if byte == first || (ignoringCase && lowercased(byte) == lowercased(first)),
               hasPrefix(bytes, needle, at: index, ignoringCase: ignoringCase) {
                return index
            }
            index += 1
        }
        return nil
    }

    static func find<C: Collection>(_ needle: String, in bytes: C, from start: C.Index,
                                    ignoringCase: Bool = false) -> C.Index? where C.Element == UInt8, C.Index == Int {
        find(Array(needle.utf8), in: bytes, from: start, ignoringCase: ignoringCase)
    }

    static func contains<C: Collection>(_ needle: String, in bytes: C, ignoringCase: Bool = false) -> Bool
        where C.Element == UInt8, C.Index == Int {
        find(Array(needle.utf8), in: bytes, from: bytes.startIndex, ignoringCase: ignoringCase) != nil
    }

    /// A collapsed log line cut where each entry starts: every piece but the last trimmed
    /// of the spaces that joined it to the next (the last is kept as is).
    static func split(_ line: [UInt8], at starts: [Int]) -> [[UInt8]] {
        guard !starts.isEmpty else { return [line] }
        var result: [[UInt8]] = []
        var start = 0
        for split in starts {
            result.append(Array(trimmed(line[start..<split])))
            start = split
        }
        result.append(Array(line[start...]))
        return result
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// `bytes` without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    static func isBlank<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Whether the bytes start like an AT command line (`AT`, `at`, `A/`), ignoring
    /// leading spaces.
    static func looksLikeCommand<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8, C.Index == Int {
        var index = bytes.startIndex
        while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
        guard bytes.endIndex - index >= 2 else { return false }
        let first = lowercased(bytes[index])
        let second = bytes[index + 1]
        return first == 0x61 && (lowercased(second) == 0x74 || second == 0x2F)
    }
}
