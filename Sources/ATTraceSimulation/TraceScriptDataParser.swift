/// Turns the data field of one trace-script row into bytes (Samples/scripts/README.md,
/// "Data"): literal text, `<…>` tokens and `{…}` blocks.
///
/// Accepted shapes, where `text` is any run of literal characters and tokens:
///
///     literal       printable ASCII (and UTF-8) as is; TAB allowed; other controls are errors
///     <CR> <LF> <SUB> <ESC> <NUL> <SP> <TAB>   0D 0A 1A 1B 00 20 09
///     <xNN>         one byte in hex
///     <lt> <lb> <rb>   literal '<', '{', '}'
///     {N bytes: text}  text (tokens allowed, '{' literal) that must give exactly N bytes
///     {hex: 41 54 0d}  hex digit pairs, white space ignored
///     {random N seed S}   N bytes of SplitMix64(seed: S), outputs little-endian
///     {repeat N: data}    data (tokens and nested blocks) N times
///
/// Token names are matched case-insensitively. A `}` outside a block is a literal byte.
struct TraceScriptDataParser {
    private let text: [UInt8]
    private var index: Int
    private let limit: Int

    init(_ text: ArraySlice<UInt8>, limit: Int) {
        self.text = Array(text)
        self.index = 0
        self.limit = limit
    }

    /// Parses the whole field.
    static func bytes(of text: ArraySlice<UInt8>, limit: Int = TraceScript.maximumRowLength)
        throws(TraceScriptError.Reason) -> [UInt8] {
        var parser = TraceScriptDataParser(text, limit: limit)
        var out: [UInt8] = []
        try parser.parseSequence(into: &out, closedByBrace: false)
        return out
    }

    // MARK: - Sequences

    /// Literal characters, tokens and blocks up to the end, or up to the `}` that closes the
    /// enclosing block when `closedByBrace` (that brace is consumed).
    private mutating func parseSequence(into out: inout [UInt8], closedByBrace: Bool) throws(TraceScriptError.Reason) {
        while index < text.count {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "<"):
                out.append(try parseToken())
            case UInt8(ascii: "{"):
                try parseBlock(into: &out)
            case UInt8(ascii: "}") where closedByBrace:
                index += 1
                return
            default:
                try appendLiteral(byte, to: &out)
                index += 1
            }
            guard out.count <= limit else { throw .rowTooLong(limit: limit) }
        }
        if closedByBrace { throw .unterminatedBlock }
    }

    /// The text of a `{N bytes: …}` block: literals and tokens, `{` literal, up to `}`.
    private mutating func parseSizedText(into out: inout [UInt8]) throws(TraceScriptError.Reason) {
        while index < text.count {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "<"):
                out.append(try parseToken())
            case UInt8(ascii: "}"):
                index += 1
                return
            default:
                try appendLiteral(byte, to: &out)
                index += 1
            }
            guard out.count <= limit else { throw .rowTooLong(limit: limit) }
        }
        throw .unterminatedBlock
    }

    private func appendLiteral(_ byte: UInt8, to out: inout [UInt8]) throws(TraceScriptError.Reason) {
        // Raw controls would be invisible in the script; TAB is the one allowed white space.
        if byte < 0x20 && byte != 0x09 || byte == 0x7F {
            throw .controlCharacter(byte)
        }
        out.append(byte)
    }

    // MARK: - Tokens

    /// Names of the single-byte tokens, upper-cased.
    private static let namedTokens: [String: UInt8] = [
        "CR": 0x0D, "LF": 0x0A, "SUB": 0x1A, "ESC": 0x1B, "NUL": 0x00, "SP": 0x20, "TAB": 0x09,
        "LT": UInt8(ascii: "<"), "LB": UInt8(ascii: "{"), "RB": UInt8(ascii: "}"),
    ]

    /// The longest token name (`<SUB>`, `<xNN>`); a `>` further away means the `<` is unclosed.
    private static let longestTokenName = 3

    private mutating func parseToken() throws(TraceScriptError.Reason) -> UInt8 {
        let nameStart = index + 1
        var end = nameStart
        while end < text.count, text[end] != UInt8(ascii: ">"), text[end] != UInt8(ascii: "<"),
              end - nameStart <= Self.longestTokenName + 8 {
            end += 1
        }
        guard end < text.count, text[end] == UInt8(ascii: ">") else { throw .unterminatedToken }
        let name = String(decoding: text[nameStart..<end], as: UTF8.self)
        index = end + 1
        if let byte = Self.namedTokens[name.uppercased()] { return byte }
        if name.count == 3, name.first == "x" || name.first == "X",
           let value = UInt8(name.dropFirst(), radix: 16) {
            return value
        }
        throw .unknownToken(name)
    }

    // MARK: - Blocks

    private mutating func parseBlock(into out: inout [UInt8]) throws(TraceScriptError.Reason) {
        // The header runs to the first ':' (blocks with a body) or '}' (`random`).
        let headerStart = index + 1
        var end = headerStart
        while end < text.count, text[end] != UInt8(ascii: ":"), text[end] != UInt8(ascii: "}") {
            end += 1
        }
        guard end < text.count else { throw .unterminatedBlock }
        let header = String(decoding: text[headerStart..<end], as: UTF8.self)
        let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let hasBody = text[end] == UInt8(ascii: ":")
        index = end + 1

        if hasBody {
            // The body starts after ": " — one space is part of the syntax, not of the text.
            if index < text.count, text[index] == UInt8(ascii: " ") { index += 1 }
            if words.count == 2, let count = Int(words[0]), count >= 0,
               words[1].lowercased() == "bytes" || words[1].lowercased() == "byte" {
                let before = out.count
                try parseSizedText(into: &out)
                let actual = out.count - before
                guard actual == count else { throw .byteCountMismatch(declared: count, actual: actual) }
                return
            }
            if words.count == 1, words[0].lowercased() == "hex" {
                try parseHex(into: &out)
                return
            }
            if words.count == 2, words[0].lowercased() == "repeat", let count = Int(words[1]), count >= 0 {
                var body: [UInt8] = []
                try parseSequence(into: &body, closedByBrace: true)
                guard body.isEmpty || count <= (limit - out.count) / body.count else {
                    throw .rowTooLong(limit: limit)
                }
                for _ in 0..<count { out.append(contentsOf: body) }
                return
            }
        } else if words.count == 4, words[0].lowercased() == "random", words[2].lowercased() == "seed",
                  let count = Int(words[1]), count >= 0, let seed = UInt64(words[3]) {
            guard count <= limit - out.count else { throw .rowTooLong(limit: limit) }
            var generator = SplitMix64(seed: seed)
            generator.appendBytes(count, to: &out)
            return
        }
        throw .unknownBlock(hasBody ? header + ":" : header)
    }

    private mutating func parseHex(into out: inout [UInt8]) throws(TraceScriptError.Reason) {
        let start = index
        var high: UInt8?
        while index < text.count {
            let byte = text[index]
            index += 1
            if byte == UInt8(ascii: "}") {
                guard high == nil else { throw .invalidHex(String(decoding: text[start..<(index - 1)], as: UTF8.self)) }
                return
            }
            if byte == 0x20 || byte == 0x09 {
                guard high == nil else { throw .invalidHex(String(decoding: text[start..<index], as: UTF8.self)) }
                continue
            }
            guard let nibble = Self.hexValue(byte) else {
                throw .invalidHex(String(decoding: text[start..<index], as: UTF8.self))
            }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        throw .unterminatedBlock
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
