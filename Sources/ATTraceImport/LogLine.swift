/// One line of a text log: its bytes without the line end, and its 1-based line number
/// (which becomes the `frame` of the records it produces, product.md §2.1).
public struct LogLine: Hashable, Sendable {
    public var number: Int
    public var bytes: [UInt8]

    public init(number: Int, bytes: [UInt8]) {
        self.number = number
        self.bytes = bytes
    }

    public init(number: Int, _ text: String) {
        self.init(number: number, bytes: Array(text.utf8))
    }

    /// Splits a whole text into lines at LF (a CR before it is removed later by cleaning).
    public static func lines<C: Collection>(of bytes: C) -> [LogLine] where C.Element == UInt8 {
        var lines: [LogLine] = []
        var current: [UInt8] = []
        for byte in bytes {
            if byte == 0x0A {
                lines.append(LogLine(number: lines.count + 1, bytes: current))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { lines.append(LogLine(number: lines.count + 1, bytes: current)) }
        return lines
    }

    public static func lines(of text: String) -> [LogLine] {
        lines(of: Array(text.utf8))
    }

    /// The line as text for messages (invalid UTF-8 repaired), at most `limit` characters.
    func excerpt(limit: Int = 60) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        var result = ""
        for character in text {
            if result.count >= limit {
                result += "…"
                break
            }
            result.append(character.isASCII && (character.asciiValue ?? 0) < 0x20 ? " " : character)
        }
        return result
    }
}
