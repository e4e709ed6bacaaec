/// What a ``CMUXDeframer`` recognised in a byte stream: a good frame, or bytes that could
/// not be read as one.
public enum CMUXEvent: Hashable, Sendable {
    case frame(CMUXFrame)
    case damage(CMUXDamage)

    /// The stream offsets the event accounts for.
    public var span: Range<Int> {
        switch self {
        case .frame(let frame): frame.span
        case .damage(let damage): damage.span
        }
    }
}

/// Bytes of a CMUX stream that are not part of a good frame, and why (formats.md §5: "on
/// failure, drop a byte and re-hunt"). Every byte skipped while hunting for the next flag
/// is carried here, so no input byte is lost.
public struct CMUXDamage: Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        /// Bytes before the first flag (the deframer started in the middle of traffic).
        case unframed
        /// A frame whose FCS is wrong: received and computed values.
        case badCheck(dlci: UInt8, received: UInt8, expected: UInt8)
        /// The byte after the FCS was not a flag (a lost byte or a wrong length).
        case missingClosingFlag(dlci: UInt8, declaredLength: Int)
        /// An address octet without its EA bit (basic option addresses are one octet).
        case invalidAddress(UInt8)
        /// The input ended inside a frame.
        case endOfInput
    }

    public var reason: Reason
    /// Stream offsets of ``bytes``.
    public var span: Range<Int>
    /// The bytes skipped (including the flags of the frame that failed).
    public var bytes: [UInt8]

    public init(reason: Reason, span: Range<Int>, bytes: [UInt8]) {
        self.reason = reason
        self.span = span
        self.bytes = bytes
    }

    /// A one-line explanation for a `cmux-frame` diagnostic.
    public var message: String {
        let count = "\(bytes.count) byte\(bytes.count == 1 ? "" : "s")"
        switch reason {
        case .unframed:
            return "\(count) outside CMUX frames"
        case .badCheck(let dlci, let received, let expected):
            return "CMUX frame on DLCI \(dlci) fails its check (FCS 0x\(Self.hex(received)), expected 0x\(Self.hex(expected))); "
                + "\(count) skipped to the next flag"
        case .missingClosingFlag(let dlci, let length):
            return "CMUX frame on DLCI \(dlci) (length \(length)) has no closing flag; \(count) skipped to the next flag"
        case .invalidAddress(let octet):
            return "CMUX address octet 0x\(Self.hex(octet)) has no EA bit; \(count) skipped to the next flag"
        case .endOfInput:
            return "the input ends inside a CMUX frame (\(count))"
        }
    }

    private static func hex(_ value: UInt8) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
