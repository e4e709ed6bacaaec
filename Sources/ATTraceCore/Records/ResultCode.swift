/// Final and intermediate result codes of V.250 / 3GPP TS 27.007 and Quectel
/// (reference/catalog.md §1.2), in verbose (ATV1) and numeric (ATV0) form.
public enum ResultCode: String, Hashable, Sendable, CaseIterable {
    /// `OK` (numeric 0).
    case ok = "OK"
    /// `CONNECT` or `CONNECT <text>` (numeric 1): data mode or a raw transfer starts.
    case connect = "CONNECT"
    /// `NO CARRIER` (numeric 3).
    case noCarrier = "NO CARRIER"
    /// `ERROR` (numeric 4).
    case error = "ERROR"
    /// `NO DIALTONE` (numeric 6).
    case noDialtone = "NO DIALTONE"
    /// `BUSY` (numeric 7).
    case busy = "BUSY"
    /// `NO ANSWER` (numeric 8).
    case noAnswer = "NO ANSWER"
    /// `+CME ERROR: <err>`, numeric or verbose (TS 27.007 §9.2).
    case cmeError = "+CME ERROR"
    /// `+CMS ERROR: <err>` (TS 27.005 §3.2.5).
    case cmsError = "+CMS ERROR"
    /// `SEND OK`: Quectel accepted a socket payload.
    case sendOK = "SEND OK"
    /// `SEND FAIL`: Quectel's send buffer is full.
    case sendFail = "SEND FAIL"

    /// `true` for results that report success.
    public var isSuccess: Bool {
        switch self {
        case .ok, .connect, .sendOK: true
        case .noCarrier, .error, .noDialtone, .busy, .noAnswer, .cmeError, .cmsError, .sendFail: false
        }
    }

    /// The ATV0 digit, where V.250 defines one.
    public var numericCode: UInt8? {
        switch self {
        case .ok: 0
        case .connect: 1
        case .noCarrier: 3
        case .error: 4
        case .noDialtone: 6
        case .busy: 7
        case .noAnswer: 8
        case .cmeError, .cmsError, .sendOK, .sendFail: nil
        }
    }

    /// The verbose code for an ATV0 digit (`2` is `RING`, a URC, so it is not here).
    public init?(numericCode: UInt8) {
        guard let match = ResultCode.allCases.first(where: { $0.numericCode == numericCode }) else { return nil }
        self = match
    }

    /// Recognises a verbose final result line (without framing).
    public static func verbose(_ line: ArraySlice<UInt8>) -> ResultCode? {
        // Asked for every module line: compared byte by byte, without Unicode views.
        guard let first = line.first else { return nil }
        switch first {
        case UInt8(ascii: "O"):
            return matches(line, "OK") ? .ok : nil
        case UInt8(ascii: "E"):
            return matches(line, "ERROR") ? .error : nil
        case UInt8(ascii: "C"):
            if matches(line, "CONNECT") || matches(line, "CONNECT ", prefixOnly: true) { return .connect }
            return nil
        case UInt8(ascii: "N"):
            if matches(line, "NO CARRIER") { return .noCarrier }
            if matches(line, "NO DIALTONE") { return .noDialtone }
            if matches(line, "NO ANSWER") { return .noAnswer }
            return nil
        case UInt8(ascii: "B"):
            return matches(line, "BUSY") ? .busy : nil
        case UInt8(ascii: "S"):
            if matches(line, "SEND OK") { return .sendOK }
            if matches(line, "SEND FAIL") { return .sendFail }
            return nil
        case UInt8(ascii: "+"):
            if matches(line, "+CME ERROR", prefixOnly: true) { return .cmeError }
            if matches(line, "+CMS ERROR", prefixOnly: true) { return .cmsError }
            return nil
        default:
            return nil
        }
    }

    /// `true` when `line` is `literal` (or starts with it, with `prefixOnly`).
    @inline(__always)
    private static func matches(_ line: ArraySlice<UInt8>, _ literal: StaticString, prefixOnly: Bool = false) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard prefixOnly ? line.count >= count : line.count == count else { return false }
        let text = literal.utf8Start
        var index = line.startIndex
        for offset in 0..<count {
            if line[index] != text[offset] { return false }
            index += 1
        }
        return true
    }
}

/// The final result of a transaction: the line as the module sent it and what it means.
public struct FinalResult: Hashable, Sendable {
    public var code: ResultCode
    /// The line without framing, e.g. `+CME ERROR: 10` or `0` (ATV0).
    public var line: [UInt8]
    /// Time of the first character of the line.
    public var time: Timestamp
    public var frame: Int

    public init(code: ResultCode, line: [UInt8], time: Timestamp, frame: Int) {
        self.code = code
        self.line = line
        self.time = time
        self.frame = frame
    }

    /// `true` when the module used the ATV0 numeric form.
    public var isNumeric: Bool {
        line.count == 1 && line[0] >= 48 && line[0] <= 57
    }

    /// The text after `+CME ERROR: ` / `+CMS ERROR: ` or `CONNECT `, if any.
    public var argument: String? {
        let prefixLength: Int
        switch code {
        case .cmeError, .cmsError:
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            prefixLength = colon + 1
        case .connect:
            prefixLength = 7
        default:
            return nil
        }
        guard line.count > prefixLength else { return nil }
        let text = String(decoding: line[prefixLength...], as: UTF8.self)
        let trimmed = text.drop(while: { $0 == " " })
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// The numeric error of `+CME ERROR: <n>`, `+CMS ERROR: <n>` or `CONNECT <n>`.
    public var numericArgument: Int? {
        argument.flatMap { Int($0) }
    }
}
