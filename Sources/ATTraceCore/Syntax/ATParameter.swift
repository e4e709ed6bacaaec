/// One comma-separated parameter of a command or response line, quotes removed.
public struct ATParameter: Hashable, Sendable, CustomStringConvertible {
    /// The value without surrounding quotes or white space outside quotes.
    public var text: String
    /// `true` when the value was written in double quotes.
    public var isQuoted: Bool

    public init(text: String, isQuoted: Bool = false) {
        self.text = text
        self.isQuoted = isQuoted
    }

    /// `true` for an omitted parameter (`AT+X=1,,3` has an empty second parameter).
    public var isEmpty: Bool { text.isEmpty && !isQuoted }

    /// The value as a decimal integer, or a hexadecimal one written `0x…`/`0X…`.
    public var integer: Int64? {
        if isQuoted { return nil }
        // Checked on the UTF-8 bytes: `hasPrefix` compares Unicode characters, which costs
        // more than the number itself on this path (every parameter check).
        let utf8 = text.utf8
        if utf8.count > 2, utf8.first == UInt8(ascii: "0"),
           utf8[utf8.index(after: utf8.startIndex)] | 0x20 == UInt8(ascii: "x") {
            return Int64(text.dropFirst(2), radix: 16)
        }
        return Int64(text)
    }

    /// The value as a keyword: ASCII letters in lower case, spaces removed
    /// (`"NegotiateTime"` → `negotiatetime`, `"recv"` → `recv`). Built from the bytes, as
    /// `lowercased()` and a character filter cost more than the checks that use it.
    public var keyword: String {
        guard text.utf8.contains(where: { $0 == 0x20 || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }) else {
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 where byte != 0x20 {
            bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { isQuoted ? "\"\(text)\"" : text }
}

/// Splits a parameter list (`1,"a,b",,3`) at commas outside double quotes.
enum ParameterList {
    /// Splits `bytes`; `unbalancedQuotes` reports a missing closing quote.
    ///
    /// The common shapes (`1`, ` 1 `, `"text"`, ` "text" `) are cut by index without
    /// intermediate buffers; anything else (text next to a quoted part, an unbalanced quote)
    /// takes the general path.
    static func split(_ bytes: ArraySlice<UInt8>) -> (parameters: [ATParameter], unbalancedQuotes: Bool) {
        guard !bytes.isEmpty else { return ([], false) }
        var parameters: [ATParameter] = []
        parameters.reserveCapacity(8)
        var index = bytes.startIndex
        let end = bytes.endIndex
        while true {
            var start = index
            while start < end, bytes[start] == 0x20 { start += 1 }
            if start < end, bytes[start] == UInt8(ascii: "\"") {
                var close = start + 1
                while close < end, bytes[close] != UInt8(ascii: "\"") { close += 1 }
                guard close < end else { return splitGenerally(bytes) }
                var after = close + 1
                while after < end, bytes[after] == 0x20 { after += 1 }
                guard after == end || bytes[after] == UInt8(ascii: ",") else { return splitGenerally(bytes) }
                parameters.append(ATParameter(text: String(decoding: bytes[(start + 1)..<close], as: UTF8.self),
                                              isQuoted: true))
                index = after
            } else {
                var stop = start
                while stop < end, bytes[stop] != UInt8(ascii: ",") {
                    if bytes[stop] == UInt8(ascii: "\"") { return splitGenerally(bytes) }
                    stop += 1
                }
                var trimmed = stop
                while trimmed > start, bytes[trimmed - 1] == 0x20 { trimmed -= 1 }
                parameters.append(ATParameter(text: String(decoding: bytes[start..<trimmed], as: UTF8.self)))
                index = stop
            }
            if index >= end { break }
            index += 1  // the comma
            if index == end {
                parameters.append(ATParameter(text: ""))
                break
            }
        }
        return (parameters, false)
    }

    /// The general splitter: keeps text next to quoted parts and reports unbalanced quotes.
    static func splitGenerally(_ bytes: ArraySlice<UInt8>) -> (parameters: [ATParameter], unbalancedQuotes: Bool) {
        var parameters: [ATParameter] = []
        var current: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var unbalanced = false
        var sawAny = false

        func finish() {
            var text = current[...]
            if !quoted {
                while let first = text.first, first == 0x20 { text = text.dropFirst() }
                while let last = text.last, last == 0x20 { text = text.dropLast() }
            }
            parameters.append(ATParameter(text: String(decoding: text, as: UTF8.self), isQuoted: quoted))
            current.removeAll(keepingCapacity: true)
            quoted = false
        }

        for byte in bytes {
            sawAny = true
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                } else {
                    current.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                // A quote opens a quoted value; text before it (other than spaces) is kept.
                current.removeAll(where: { $0 == 0x20 })
                inQuotes = true
                quoted = true
            case UInt8(ascii: ","):
                finish()
            default:
                if quoted && byte == 0x20 { continue }
                current.append(byte)
            }
        }
        if inQuotes { unbalanced = true }
        if sawAny { finish() }
        return (parameters, unbalanced)
    }
}
