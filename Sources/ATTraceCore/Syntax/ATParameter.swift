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
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return Int64(text.dropFirst(2), radix: 16)
        }
        return Int64(text)
    }

    public var description: String { isQuoted ? "\"\(text)\"" : text }
}

/// Splits a parameter list (`1,"a,b",,3`) at commas outside double quotes.
enum ParameterList {
    /// Splits `bytes`; `unbalancedQuotes` reports a missing closing quote.
    static func split(_ bytes: ArraySlice<UInt8>) -> (parameters: [ATParameter], unbalancedQuotes: Bool) {
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
