/// Undoes the escaping field logs apply to bytes (log-dialects.md "Escapes"): `<CR>` tokens,
/// C escapes, decimal escapes, caret notation. Which styles apply is the dialect's choice.
enum EscapeDecoder {
    struct Styles: OptionSet, Hashable, Sendable {
        let rawValue: Int
        /// `<CR>` `<LF>` `<ln>` `<SUB>` `<x1A>` …, case-insensitive (ModemManager, Mbed, ST).
        static let angleTokens = Styles(rawValue: 1 << 0)
        /// `\r` `\n` `\t` `\0` `\\` `\"` `\'` `\xNN` and octal `\NNN` (C, Python, EWF, Particle).
        static let cEscapes = Styles(rawValue: 1 << 1)
        /// `\NNN` with a decimal byte value (ModemManager prints non-printables as `\%u`).
        static let decimalBackslash = Styles(rawValue: 1 << 2)
        /// `[123]`: a decimal byte value in brackets (Mbed ATHandler's non-printables).
        static let bracketDecimal = Styles(rawValue: 1 << 3)
        /// `^M` `^J` `^Z` `^[` `^@` (terminals).
        static let caretControls = Styles(rawValue: 1 << 4)
        /// `[CR]` `[LF]` `[SUB]` …: control-character names in brackets (interceptty).
        static let bracketNames = Styles(rawValue: 1 << 5)
    }

    /// Token names and their bytes: the control characters by their ASCII names plus the
    /// aliases logs use (`ln` in Mbed, `ctrl-z`, `sp`).
    static let tokenNames: [String: [UInt8]] = {
        let names = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR",
                     "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
                     "FS", "GS", "RS", "US"]
        var table: [String: [UInt8]] = [:]
        for (value, name) in names.enumerated() { table[name] = [UInt8(value)] }
        table["HT"] = [0x09]
        table["DEL"] = [0x7F]
        table["SP"] = [0x20]
        table["LN"] = [0x0A]
        table["NL"] = [0x0A]
        table["CRLF"] = [0x0D, 0x0A]
        table["CTRL-Z"] = [0x1A]
        table["CTRL+Z"] = [0x1A]
        table["CTRLZ"] = [0x1A]
        table["^Z"] = [0x1A]
        table["LT"] = [0x3C]
        return table
    }()

    static func decode<C: Collection>(_ bytes: C, _ styles: Styles) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            switch byte {
            case 0x3C where styles.contains(.angleTokens):   // <
                if let (value, length) = token(bytes, at: index, close: 0x3E) {
                    out += value
                    index += length
                    continue
                }
            case 0x5B where styles.contains(.bracketDecimal) || styles.contains(.bracketNames):   // [
                if styles.contains(.bracketDecimal), let (value, length) = bracketDecimal(bytes, at: index) {
                    out.append(value)
                    index += length
                    continue
                }
                if styles.contains(.bracketNames), let (value, length) = token(bytes, at: index, close: 0x5D) {
                    out += value
                    index += length
                    continue
                }
            case 0x5C where styles.contains(.cEscapes) || styles.contains(.decimalBackslash):   // backslash
                if let (value, length) = backslash(bytes, at: index, decimal: styles.contains(.decimalBackslash)) {
                    out += value
                    index += length
                    continue
                }
            case 0x5E where styles.contains(.caretControls):   // ^
                if index + 1 < end, let value = caret(bytes[index + 1]) {
                    out.append(value)
                    index += 2
                    continue
                }
            default:
                break
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// `<name>`, `<xNN>`, `<0xNN>` (or the same in brackets): the bytes and the token length.
    private static func token<C: Collection>(_ bytes: C, at start: Int, close: UInt8) -> ([UInt8], Int)?
        where C.Element == UInt8, C.Index == Int {
        var index = start + 1
        var name: [UInt8] = []
        while index < bytes.endIndex, bytes[index] != close, name.count < 8 {
            name.append(bytes[index])
            index += 1
        }
        guard index < bytes.endIndex, bytes[index] == close, !name.isEmpty else { return nil }
        let length = index - start + 1
        let upper = String(decoding: name.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        if let value = tokenNames[upper] { return (value, length) }
        var digits = Substring(upper)
        if digits.hasPrefix("0X") { digits = digits.dropFirst(2) } else if digits.hasPrefix("X") { digits = digits.dropFirst() } else { return nil }
        guard digits.count == 2, let value = UInt8(digits, radix: 16) else { return nil }
        return ([value], length)
    }

    private static func bracketDecimal<C: Collection>(_ bytes: C, at start: Int) -> (UInt8, Int)?
        where C.Element == UInt8, C.Index == Int {
        var index = start + 1
        var value = 0
        while index < bytes.endIndex, ByteSearch.isDigit(bytes[index]), index - start <= 3 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
        }
        guard index > start + 1, index < bytes.endIndex, bytes[index] == 0x5D, value <= 255 else { return nil }
        return (UInt8(value), index - start + 1)
    }

    private static func backslash<C: Collection>(_ bytes: C, at start: Int, decimal: Bool) -> ([UInt8], Int)?
        where C.Element == UInt8, C.Index == Int {
        guard start + 1 < bytes.endIndex else { return nil }
        let next = bytes[start + 1]
        if ByteSearch.isDigit(next) {
            // Up to three digits whose value fits a byte: decimal (ModemManager) or octal (C).
            let radix = decimal ? 10 : 8
            var value = 0
            var index = start + 1
            while index < bytes.endIndex, index - start <= 3, ByteSearch.isDigit(bytes[index]),
                  Int(bytes[index] - 0x30) < radix {
                let candidate = value * radix + Int(bytes[index] - 0x30)
                if candidate > 255 { break }
                value = candidate
                index += 1
            }
            guard index > start + 1 else { return nil }
            return ([UInt8(value)], index - start)
        }
        // ModemManager prints every other byte as itself, backslash included.
        if decimal { return nil }
        switch next {
        case UInt8(ascii: "r"): return ([0x0D], 2)
        case UInt8(ascii: "n"): return ([0x0A], 2)
        case UInt8(ascii: "t"): return ([0x09], 2)
        case UInt8(ascii: "a"): return ([0x07], 2)
        case UInt8(ascii: "b"): return ([0x08], 2)
        case UInt8(ascii: "f"): return ([0x0C], 2)
        case UInt8(ascii: "v"): return ([0x0B], 2)
        case UInt8(ascii: "e"): return ([0x1B], 2)
        case 0x5C, 0x22, 0x27: return ([next], 2)
        case UInt8(ascii: "x"):
            var index = start + 2
            var value = 0
            while index < bytes.endIndex, index - start < 4, let digit = ByteSearch.hexValue(bytes[index]) {
                value = value * 16 + Int(digit)
                index += 1
            }
            guard index > start + 2 else { return nil }
            return ([UInt8(value)], index - start)
        default:
            return nil
        }
    }

    private static func caret(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "M"): 0x0D
        case UInt8(ascii: "J"): 0x0A
        case UInt8(ascii: "Z"): 0x1A
        case UInt8(ascii: "["): 0x1B
        case UInt8(ascii: "@"): 0x00
        default: nil
        }
    }

    /// Whether the bytes contain a line end (so the log shows exact framing).
    static func containsLineEnd<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.contains(0x0D) || bytes.contains(0x0A)
    }
}
