/// What the project knows about one AT command: forms, maximum response time, and how the
/// command shapes the traffic (prompts, `CONNECT` transfers, counted responses, results that
/// arrive later as URCs). Protocol knowledge is data (aesthetics.md §9 rule 9): the decoder
/// and the analyzer read these tables instead of testing command names.
public final class CommandSpec: Sendable {
    /// Canonical name, e.g. `AT+QSSLOPEN`, `ATE`, `AT&D`.
    public let name: String
    /// A short description in our own words.
    public let summary: String
    public let family: CommandFamily
    public let forms: CommandForms
    /// Maximum time from the command's terminator (or the end of its payload) to the
    /// final result.
    public let responseTime: ResponseTime
    /// Where the facts come from (spec section or catalog source key).
    public let source: String

    /// The command answers with a `> ` prompt and takes a payload.
    public let prompt: PromptRule?
    /// The command answers `CONNECT` and then moves raw bytes (upload or download)
    /// instead of entering transparent data mode.
    public let transfer: TransferRule?
    /// An information response whose header announces binary data (`+QSSLRECV: <n>`).
    public let countedResponse: CountedResponse?
    /// Results that arrive after the final result as URCs (`+QSSLOPEN: <id>,<err>`).
    public let asyncResults: [AsyncResult]
    /// Information-response prefixes besides the command's own (`AT+QIGETERROR` is its own).
    public let extraResponsePrefixes: [String]
    /// The write form's parameters, in order.
    public let parameters: [ParameterSpec]
    /// For configuration commands whose first parameter is a keyword (`AT+QSSLCFG`):
    /// the parameters after the keyword, per keyword (lower case).
    public let keywordParameters: [String: [ParameterSpec]]

    public init(_ name: String, _ summary: String, family: CommandFamily, forms: CommandForms,
                time: ResponseTime, source: String, prompt: PromptRule? = nil,
                transfer: TransferRule? = nil, countedResponse: CountedResponse? = nil,
                asyncResults: [AsyncResult] = [], extraResponsePrefixes: [String] = [],
                parameters: [ParameterSpec] = [], keywordParameters: [String: [ParameterSpec]] = [:]) {
        self.name = name
        self.summary = summary
        self.family = family
        self.forms = forms
        self.responseTime = time
        self.source = source
        self.prompt = prompt
        self.transfer = transfer
        self.countedResponse = countedResponse
        self.asyncResults = asyncResults
        self.extraResponsePrefixes = extraResponsePrefixes
        self.parameters = parameters
        self.keywordParameters = keywordParameters
    }

    /// The information-response prefix the command's own answers carry (`+QSSLCFG` for
    /// `AT+QSSLCFG`), or `nil` for basic commands, which answer with bare text.
    public var responsePrefix: String? {
        guard name.count > 3 else { return nil }
        let third = name.utf8[name.utf8.index(name.utf8.startIndex, offsetBy: 2)]
        guard CommandLineParser.isExtendedPrefix(third) else { return nil }
        return String(name.dropFirst(2))
    }
}

/// Which document family a command belongs to (reference/catalog.md §3).
public enum CommandFamily: String, Hashable, Sendable, CaseIterable {
    case v250 = "V.250"
    case ts27007 = "3GPP TS 27.007"
    case ts27005 = "3GPP TS 27.005"
    case quectelGeneral = "Quectel general"
    case quectelTCPIP = "Quectel TCP/IP"
    case quectelSSL = "Quectel SSL"
    case quectelFile = "Quectel FILE"
    case quectelHTTP = "Quectel HTTP(S)"
    case quectelMQTT = "Quectel MQTT"
}

/// A maximum response time.
public enum ResponseTime: Hashable, Sendable {
    /// A fixed bound.
    case fixed(Duration)
    /// A bound that depends on parameters or on state (see ``DeadlineRule``).
    case rule(DeadlineRule)
    /// The documents give none ("n/s"); no timeout is judged.
    case unspecified

    public static func milliseconds(_ value: Int64) -> ResponseTime { .fixed(.milliseconds(value)) }
    public static func seconds(_ value: Int64) -> ResponseTime { .fixed(.seconds(value)) }
}

/// Deadlines that depend on a parameter or on tracked state (product.md §4).
public enum DeadlineRule: Hashable, Sendable {
    /// `AT+QSSLOPEN`: 150 s plus the `negotiatetime` of the SSL context named by
    /// parameter 1 (default 300 s) — quectel-ssl.md §5.2.
    case sslOpen
    /// `AT+QSSLCLOSE`: `<close_timeout>` (parameter 1, default 10) in seconds, or in
    /// milliseconds when the client's context has `closetimemode` 1 — quectel-ssl.md §5.5.
    case sslClose
    /// A parameter in seconds (`AT+QICLOSE`'s timeout, `AT+QHTTPGET`'s `rsptime`), with a
    /// default when it is omitted, plus a fixed allowance.
    case parameterSeconds(index: Int, default: Int64, plus: Duration)
}

/// How a prompting command takes its payload (quectel-ssl.md §5.3; catalog.md §2).
public struct PromptRule: Hashable, Sendable {
    /// The parameter that gives a fixed payload length. When the command has it, the host
    /// sends exactly that many bytes; without it the payload ends with Ctrl+Z (ESC cancels).
    /// A fixed length of 0 means no prompt (`AT+QISEND=<id>,0` queries instead).
    public var lengthParameter: Int?
    /// The documented maximum payload length, for `data.too-long`.
    public var maximumLength: Int?

    public init(lengthParameter: Int?, maximumLength: Int?) {
        self.lengthParameter = lengthParameter
        self.maximumLength = maximumLength
    }
}

/// Raw transfers that follow `CONNECT` instead of transparent data mode (catalog.md §2).
public enum TransferRule: Hashable, Sendable {
    /// The host sends a counted upload (`AT+QFUPL`, `AT+QHTTPURL`, `AT+QHTTPPOST`). The
    /// length is the given parameter, or `defaultLength` when omitted; with neither, the
    /// command does not upload (e.g. `AT+QHTTPGET` without `data_length`).
    case upload(lengthParameter: Int, defaultLength: Int?)
    /// The module sends raw bytes after `CONNECT`.
    case download(DownloadKind)
}

/// How the end of a module download is found.
public enum DownloadKind: Hashable, Sendable {
    /// `CONNECT <n>` announces the byte count (`AT+QFREAD`).
    case connectLength
    /// The data runs until a line with this prefix whose first field is the byte count
    /// (`AT+QFDWL` ends with `+QFDWL: <size>,<checksum>`).
    case untilSizeLine(String)
    /// The data runs until `OK` followed by a line with this prefix
    /// (`AT+QHTTPREAD`: body, `OK`, `+QHTTPREAD: <err>`).
    case untilOKThen(String)
}

/// An information response whose header announces a counted binary block
/// (`+QSSLRECV: <n><CR><LF><n bytes>`; quectel-ssl.md §3.2, §7.1).
public struct CountedResponse: Hashable, Sendable {
    public var prefix: String
    /// The field that holds the byte count.
    public var lengthField: Int
    /// The header may carry an address after the count (`+QIRD: <n>,"<ip>",<port>`);
    /// otherwise the count must be the only field (`+QIRD: 10,0,10` is a query answer).
    public var allowsAddress: Bool

    public init(prefix: String, lengthField: Int = 0, allowsAddress: Bool = false) {
        self.prefix = prefix
        self.lengthField = lengthField
        self.allowsAddress = allowsAddress
    }

    /// The announced length, if `line` has this header shape.
    public func length(of line: ResponseLine) -> Int? {
        guard line.prefix == prefix else { return nil }
        let fields = line.fields
        guard fields.count == 1 || (allowsAddress && fields.count >= 2 && fields[1].isQuoted) else { return nil }
        guard let value = line.integer(lengthField), value >= 0, value <= Int64(Int32.max) else { return nil }
        return Int(value)
    }
}

/// A result that arrives as a URC after the command's final result.
public struct AsyncResult: Hashable, Sendable {
    /// The URC prefix, e.g. `+QSSLOPEN`.
    public var urc: String
    /// For URCs with a type field (`+QIURC: "dnsgip",…`), the type.
    public var subtype: String?
    /// The command parameter that names the connection the result is for.
    public var commandKey: Int?
    /// The URC field that carries the same identifier.
    public var resultKey: Int?
    /// How long after the command's terminator the result is due.
    public var deadline: ResponseTime
    /// The final results after which the URC is expected (normally only `OK`).
    public var afterFinal: [ResultCode]

    public init(urc: String, subtype: String? = nil, commandKey: Int? = nil, resultKey: Int? = nil,
                deadline: ResponseTime, afterFinal: [ResultCode] = [.ok]) {
        self.urc = urc
        self.subtype = subtype
        self.commandKey = commandKey
        self.resultKey = resultKey
        self.deadline = deadline
        self.afterFinal = afterFinal
    }
}

/// One parameter of a command's write form, for `at.param-range` and `at.syntax`.
public struct ParameterSpec: Hashable, Sendable {
    public let name: String
    public var kind: ParameterKind
    public var isOptional: Bool

    public init(_ name: String, _ kind: ParameterKind, optional: Bool = false) {
        self.name = name
        self.kind = kind
        self.isOptional = optional
    }

    public static func int(_ name: String, _ range: ClosedRange<Int64>, optional: Bool = false) -> ParameterSpec {
        ParameterSpec(name, .integer(range), optional: optional)
    }

    public static func choice(_ name: String, _ values: KeyValuePairs<Int64, String>, optional: Bool = false) -> ParameterSpec {
        ParameterSpec(name, .choice(values.map { Choice(value: $0.key, meaning: $0.value) }), optional: optional)
    }

    public static func string(_ name: String, maxLength: Int? = nil, optional: Bool = false) -> ParameterSpec {
        ParameterSpec(name, .string(maxLength: maxLength), optional: optional)
    }

    public static func any(_ name: String, optional: Bool = false) -> ParameterSpec {
        ParameterSpec(name, .any, optional: optional)
    }
}

/// The allowed values of a parameter.
public enum ParameterKind: Hashable, Sendable {
    case integer(ClosedRange<Int64>)
    case choice([Choice])
    case string(maxLength: Int?)
    /// A hexadecimal code written `0x…`, from a list (cipher suites); unknown codes are
    /// "not in the note", not errors (quectel-ssl.md §1.3).
    case hexCode([Int64])
    case any
}

/// One allowed value of an enumerated parameter and what it means.
public struct Choice: Hashable, Sendable {
    public var value: Int64
    public var meaning: String
}
