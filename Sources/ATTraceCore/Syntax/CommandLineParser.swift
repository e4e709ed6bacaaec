/// Parses a host command line into its commands (V.250 §5.2–5.4; reference/catalog.md §1.1).
///
/// Accepted shapes, after the `AT`/`at` prefix (the terminator is not part of the input):
///
///     (empty)                  → AT exec
///     +CMD | +CMD? | +CMD=? | +CMD=p1,"p,2",,p4   extended (also $ ^ % # * prefixes)
///     E0 V1 Q0 X4 I Z H O A    basic letter with an optional number, concatenable (ATE0V1)
///     &D1 &F &W                ampersand commands
///     S0=1 S0? S12?            S-registers
///     D*99# / D123;            dial: the rest of the line is the dial string
///     cmd;cmd;…                `;` separates commands
///
/// `A/` (repeat the previous line) has no prefix and no terminator and is handled by the
/// caller.
public enum CommandLineParser {
    /// Parses `line` (the bytes between the start of `AT` and the terminator).
    public static func parse(_ line: ArraySlice<UInt8>) -> [ATCommand] {
        var body = line
        // Drop the "AT" prefix (any case).
        if body.count >= 2, upper(body[body.startIndex]) == UInt8(ascii: "A"),
           upper(body[body.startIndex + 1]) == UInt8(ascii: "T") {
            body = body.dropFirst(2)
        }
        var commands: [ATCommand] = []
        var index = body.startIndex
        let end = body.endIndex

        func skipSpaces() {
            while index < end, body[index] == 0x20 { index += 1 }
        }

        skipSpaces()
        if index == end {
            return [ATCommand(name: "AT", form: .exec)]
        }

        while index < end {
            skipSpaces()
            guard index < end else { break }
            let byte = body[index]
            if byte == UInt8(ascii: ";") {
                index += 1
                continue
            }
            if isExtendedPrefix(byte) {
                commands.append(parseExtended(body, &index))
            } else if isLetter(byte) || byte == UInt8(ascii: "&") {
                commands.append(parseBasic(body, &index))
            } else {
                // Not a command character: keep the rest as one malformed command.
                let rest = String(decoding: body[index...], as: UTF8.self)
                commands.append(ATCommand(name: "AT", form: .exec, parameters: [ATParameter(text: rest)],
                                          syntaxIssues: ["unexpected character '\(printable(byte))' in command line"]))
                index = end
            }
        }
        if commands.isEmpty {
            commands.append(ATCommand(name: "AT", form: .exec))
        }
        return commands
    }

    public static func parse(_ line: String) -> [ATCommand] {
        parse(Array(line.utf8)[...])
    }

    // MARK: - Extended commands

    private static func parseExtended(_ body: ArraySlice<UInt8>, _ index: inout Int) -> ATCommand {
        let end = body.endIndex
        let nameStart = index
        index += 1
        while index < end, isNameCharacter(body[index]) { index += 1 }
        var issues: [String] = []
        if index - nameStart == 1 {
            issues.append("command name missing after '\(printable(body[nameStart]))'")
        }
        let nameText = canonicalName(body[nameStart..<index])
        // Spaces may separate the name from its form characters.
        while index < end, body[index] == 0x20 { index += 1 }
        guard index < end else {
            return ATCommand(name: nameText, form: .exec, syntaxIssues: issues)
        }
        switch body[index] {
        case UInt8(ascii: "?"):
            index += 1
            return ATCommand(name: nameText, form: .read, syntaxIssues: issues)
        case UInt8(ascii: "="):
            index += 1
            var probe = index
            while probe < end, body[probe] == 0x20 { probe += 1 }
            if probe < end, body[probe] == UInt8(ascii: "?") {
                index = probe + 1
                return ATCommand(name: nameText, form: .test, syntaxIssues: issues)
            }
            let start = index
            var inQuotes = false
            while index < end {
                let byte = body[index]
                if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                if byte == UInt8(ascii: ";") && !inQuotes { break }
                index += 1
            }
            let (parameters, unbalanced) = ParameterList.split(body[start..<index])
            if unbalanced { issues.append("unbalanced quotes") }
            if parameters.isEmpty { issues.append("'=' without parameters") }
            return ATCommand(name: nameText, form: .write, parameters: parameters, syntaxIssues: issues)
        case UInt8(ascii: ";"):
            return ATCommand(name: nameText, form: .exec, syntaxIssues: issues)
        default:
            // Trailing characters that are not part of the syntax.
            let start = index
            while index < end, body[index] != UInt8(ascii: ";") { index += 1 }
            let junk = String(decoding: body[start..<index], as: UTF8.self)
            issues.append("unexpected text '\(junk)' after \(nameText)")
            return ATCommand(name: nameText, form: .exec, syntaxIssues: issues)
        }
    }

    // MARK: - Basic commands

    private static func parseBasic(_ body: ArraySlice<UInt8>, _ index: inout Int) -> ATCommand {
        let end = body.endIndex
        var name: [UInt8] = [UInt8(ascii: "A"), UInt8(ascii: "T")]
        let first = upper(body[index])
        index += 1
        if first == UInt8(ascii: "&") {
            name.append(first)
            if index < end, isLetter(body[index]) {
                name.append(upper(body[index]))
                index += 1
            } else {
                return ATCommand(name: "AT&", form: .exec, syntaxIssues: ["'&' without a command letter"])
            }
            return ATCommand(name: String(decoding: name, as: UTF8.self), form: .exec,
                             parameters: numericValue(body, &index))
        }
        name.append(first)
        switch first {
        case UInt8(ascii: "D"):
            // The dial string runs to the end of the line (a trailing ';' means a voice call).
            let dial = String(decoding: body[index...], as: UTF8.self)
            index = end
            return ATCommand(name: "ATD", form: .exec, parameters: dial.isEmpty ? [] : [ATParameter(text: dial)])
        case UInt8(ascii: "S"):
            let digitsStart = index
            while index < end, isDigit(body[index]) {
                name.append(body[index])
                index += 1
            }
            let nameText = String(decoding: name, as: UTF8.self)
            if index == digitsStart {
                return ATCommand(name: "ATS", form: .exec, syntaxIssues: ["S-register number missing"])
            }
            if index < end, body[index] == UInt8(ascii: "?") {
                index += 1
                return ATCommand(name: nameText, form: .read)
            }
            if index < end, body[index] == UInt8(ascii: "=") {
                index += 1
                if index < end, body[index] == UInt8(ascii: "?") {
                    index += 1
                    return ATCommand(name: nameText, form: .test)
                }
                let start = index
                while index < end, body[index] != UInt8(ascii: ";"), !isLetter(body[index]) || isHexLetter(body[index]) {
                    index += 1
                }
                let value = String(decoding: body[start..<index], as: UTF8.self)
                return ATCommand(name: nameText, form: .write, parameters: [ATParameter(text: value)],
                                 syntaxIssues: value.isEmpty ? ["'=' without a value"] : [])
            }
            return ATCommand(name: nameText, form: .exec)
        default:
            let nameText = String(decoding: name, as: UTF8.self)
            if index < end, body[index] == UInt8(ascii: "?") {
                index += 1
                return ATCommand(name: nameText, form: .read)
            }
            if index < end, body[index] == UInt8(ascii: "="), index + 1 < end, body[index + 1] == UInt8(ascii: "?") {
                index += 2
                return ATCommand(name: nameText, form: .test)
            }
            return ATCommand(name: nameText, form: .exec, parameters: numericValue(body, &index))
        }
    }

    private static func numericValue(_ body: ArraySlice<UInt8>, _ index: inout Int) -> [ATParameter] {
        let start = index
        while index < body.endIndex, isDigit(body[index]) { index += 1 }
        guard index > start else { return [] }
        return [ATParameter(text: String(decoding: body[start..<index], as: UTF8.self))]
    }

    /// `AT` + the name in upper case, built without a heap buffer for names up to 62 bytes.
    static func canonicalName(_ name: ArraySlice<UInt8>) -> String {
        let length = name.count + 2
        guard length <= 64 else {
            return "AT" + String(decoding: name.map(upper), as: UTF8.self)
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            buffer[0] = UInt8(ascii: "A")
            buffer[1] = UInt8(ascii: "T")
            var offset = 2
            for byte in name {
                buffer[offset] = upper(byte)
                offset += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
        }
    }

    // MARK: - Character classes

    @inline(__always) static func upper(_ byte: UInt8) -> UInt8 {
        (byte >= 97 && byte <= 122) ? byte - 32 : byte
    }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    @inline(__always) static func isHexLetter(_ byte: UInt8) -> Bool {
        let u = upper(byte)
        return u >= 65 && u <= 70
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 48 && byte <= 57
    }

    @inline(__always) static func isExtendedPrefix(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "^")
            || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "*")
    }

    /// V.250 §5.4.1: letters, digits and `! % - . / : _`.
    @inline(__always) static func isNameCharacter(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
    }

    static func printable(_ byte: UInt8) -> String {
        (byte >= 0x20 && byte < 0x7F) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
