/// Why a trace script could not be parsed (Samples/scripts/README.md, "Format"): the
/// script's name, the 1-based line number, and the reason.
///
/// The description is one line in the compiler's `file:line: message` shape, so editors can
/// jump to the offending row.
public struct TraceScriptError: Error, Hashable, Sendable, CustomStringConvertible {
    public var scriptName: String
    public var line: Int
    public var reason: Reason

    public init(scriptName: String, line: Int, reason: Reason) {
        self.scriptName = scriptName
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "\(scriptName):\(line): \(reason)"
    }

    /// What is wrong with the line.
    public enum Reason: Error, Hashable, Sendable, CustomStringConvertible {
        /// The time field is not `<seconds>[.<up to 9 digits>]`.
        case invalidTime(String)
        /// A row's time is earlier than the row before it.
        case timeDecreases(previous: String, current: String)
        /// The row has a time but no direction character.
        case missingDirection
        /// The direction field is not one of `>`, `<`, `?`, `!`.
        case unknownDirection(String)
        /// The direction is not followed by exactly one space and the data.
        case missingSpaceAfterDirection
        /// The row's data produces no bytes.
        case emptyRow
        /// `<name>` is not a known token.
        case unknownToken(String)
        /// A `<` without a closing `>`.
        case unterminatedToken
        /// A `{` block without its closing `}`.
        case unterminatedBlock
        /// `{…}` whose header is none of `N bytes:`, `hex:`, `random N seed S`, `repeat N:`.
        case unknownBlock(String)
        /// A `{N bytes: …}` block whose text gives a different number of bytes.
        case byteCountMismatch(declared: Int, actual: Int)
        /// A `{hex: …}` block with something other than pairs of hex digits.
        case invalidHex(String)
        /// A raw control character in the data (it must be written as a token).
        case controlCharacter(UInt8)
        /// A row would be larger than ``TraceScript/maximumRowLength``.
        case rowTooLong(limit: Int)
        /// The data of a `!` row is not a JSON object.
        case eventNotObject(String)
        /// `@name` is not a known directive.
        case unknownDirective(String)
        /// A directive's value is malformed.
        case invalidDirectiveValue(directive: String, value: String)
        /// A directive that may appear only once appears again.
        case duplicateDirective(String)
        /// `@start` after the first row (times already given would change meaning).
        case startAfterRows

        public var description: String {
            switch self {
            case .invalidTime(let text):
                "invalid time '\(text)' (expected seconds with up to 9 fractional digits, e.g. 3.020)"
            case .timeDecreases(let previous, let current):
                "time \(current) is earlier than the previous row's \(previous)"
            case .missingDirection:
                "missing direction after the time (one of > < ? !)"
            case .unknownDirection(let text):
                "unknown direction '\(text)' (expected > host, < modem, ? unknown or ! event)"
            case .missingSpaceAfterDirection:
                "expected one space between the direction and the data"
            case .emptyRow:
                "the row produces no bytes (write <SP> for a trailing space)"
            case .unknownToken(let name):
                "unknown token '<\(name)>'"
            case .unterminatedToken:
                "'<' without a closing '>' (write <lt> for a literal '<')"
            case .unterminatedBlock:
                "'{' block without a closing '}' (write <lb> for a literal '{')"
            case .unknownBlock(let header):
                "unknown block '{\(header)…}' (expected 'N bytes:', 'hex:', 'random N seed S' or 'repeat N:')"
            case .byteCountMismatch(let declared, let actual):
                "block declares \(declared) bytes but its text gives \(actual)"
            case .invalidHex(let text):
                "invalid hex block content '\(text)' (expected pairs of hex digits)"
            case .controlCharacter(let byte):
                "raw control character 0x\(Self.hex(byte)) in the data (write it as a token such as <x\(Self.hex(byte))>)"
            case .rowTooLong(let limit):
                "the row produces more than \(limit) bytes"
            case .eventNotObject(let text):
                "event data is not a JSON object: \(text)"
            case .unknownDirective(let name):
                "unknown directive '@\(name)' (expected @title, @start, @channel or @truncate)"
            case .invalidDirectiveValue(let directive, let value):
                "invalid value '\(value)' for @\(directive)"
            case .duplicateDirective(let name):
                "@\(name) given more than once"
            case .startAfterRows:
                "@start must come before the first row"
            }
        }

        private static func hex(_ byte: UInt8) -> String {
            let digits = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + digits : digits
        }
    }
}
