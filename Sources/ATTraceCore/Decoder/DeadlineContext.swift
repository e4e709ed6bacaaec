/// The state that maximum response times depend on (product.md §4): each SSL context's
/// `negotiatetime` and `closetimemode`, and which context each SSL client was opened on.
///
/// The decoder keeps one to decide whether a pending command was abandoned (product.md
/// §7.7); the analyzer keeps its own copy, fed from the same records, for its findings.
public struct DeadlineContext: Hashable, Sendable {
    /// Seconds of TLS handshake allowed per SSL context (`"negotiatetime"`, default 300).
    public private(set) var negotiateTime: [Int64: Int64] = [:]
    /// `closetimemode` per SSL context (0 = seconds, 1 = milliseconds; assumed 0).
    public private(set) var closeTimeMode: [Int64: Int64] = [:]
    /// SSL context per client id, from the last `AT+QSSLOPEN`.
    public private(set) var clientContext: [Int64: Int64] = [:]

    public static let defaultNegotiateTime: Int64 = 300
    /// The generic watchdog for commands whose documents give no bound
    /// (reference/catalog.md §1.1: "reboot advised if none within 60 s").
    public static let genericWatchdog = Duration.seconds(60)

    /// The commands ``observe(_:)`` learns from; other transactions change nothing.
    public static let observedCommands = ["AT+QSSLCFG", "AT+QSSLOPEN"]

    public init() {}

    public func negotiateTime(context: Int64) -> Int64 {
        negotiateTime[context] ?? Self.defaultNegotiateTime
    }

    public func closeTimeMode(context: Int64) -> Int64? {
        closeTimeMode[context]
    }

    /// The bound `time` gives for `command`, or `nil` when it gives none.
    public func resolve(_ time: ResponseTime, for command: ATCommand) -> Duration? {
        switch time {
        case .fixed(let duration):
            return duration
        case .unspecified:
            return nil
        case .rule(.sslOpen):
            let context = command.integer(1) ?? 0
            return .seconds(150 + negotiateTime(context: context))
        case .rule(.sslClose):
            let timeout = command.integer(1) ?? 10
            let client = command.integer(0) ?? -1
            let mode = clientContext[client].flatMap { closeTimeMode[$0] } ?? 0
            return mode == 1 ? .milliseconds(timeout) : .seconds(timeout)
        case .rule(.parameterSeconds(let index, let defaultValue, let plus)):
            return .seconds(command.integer(index) ?? defaultValue) + plus
        }
    }

    /// The deadline the decoder uses to call a pending command abandoned: the catalog's
    /// bound, or the generic watchdog when there is none.
    public func decisionDeadline(for command: ATCommand, spec: CommandSpec?) -> Duration {
        guard let spec else { return Self.genericWatchdog }
        return resolve(spec.responseTime, for: command) ?? Self.genericWatchdog
    }

    /// Learns from a finished transaction: `AT+QSSLCFG` writes answered `OK`, `+QSSLCFG:`
    /// query answers, and `AT+QSSLOPEN`.
    ///
    /// Called for every transaction (by the decoder, the analyzer and replay), and few are
    /// one of these: the names are compared once, and only the two settings that matter are
    /// recognised, from the parameter's bytes.
    public mutating func observe(_ transaction: Transaction) {
        var isObserved = false
        // By index and name first: the line's command list is shared by every transaction of
        // the same line (and by two threads); a command is copied only when it counts.
        for index in 0..<transaction.commandCount {
            switch transaction.commandName(at: index) {
            case "AT+QSSLOPEN":
                isObserved = true
                let command = transaction.command(at: index)
                if command.form == .write, let context = command.integer(1), let client = command.integer(2) {
                    clientContext[client] = context
                }
            case "AT+QSSLCFG":
                isObserved = true
                let command = transaction.command(at: index)
                if command.form == .write, transaction.status == .ok,
                   let setting = command.parameter(0).flatMap(Setting.init), let context = command.integer(1),
                   let value = command.integer(2) {
                    record(setting, context: context, value: value)
                }
            default:
                break
            }
        }
        guard isObserved else { return }
        for line in transaction.responses where line.text.first == UInt8(ascii: "+") {
            let parsed = ResponseLine(line.text)
            guard parsed.prefix == "+QSSLCFG", let setting = parsed.field(0).flatMap(Setting.init),
                  let context = parsed.integer(1), let value = parsed.integer(2) else { continue }
            record(setting, context: context, value: value)
        }
    }

    /// The `AT+QSSLCFG` settings deadlines depend on.
    private enum Setting {
        case negotiateTime
        case closeTimeMode

        /// The setting a keyword parameter names (`"negotiatetime"`, any case, spaces
        /// ignored, as ``ATParameter/keyword``), if it is one of these.
        init?(_ parameter: ATParameter) {
            var text = parameter.text
            let setting: Setting? = text.withUTF8 { bytes in
                if Self.matches(bytes, "negotiatetime") { return .negotiateTime }
                if Self.matches(bytes, "closetimemode") { return .closeTimeMode }
                return nil
            }
            guard let setting else { return nil }
            self = setting
        }

        private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ keyword: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
            var index = 0
            for byte in bytes where byte != 0x20 {
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard index < expected.count, lower == expected[index] else { return false }
                index += 1
            }
            return index == expected.count
        }
    }

    private mutating func record(_ setting: Setting, context: Int64, value: Int64) {
        switch setting {
        case .negotiateTime: negotiateTime[context] = value
        case .closeTimeMode: closeTimeMode[context] = value
        }
    }

    /// A module restart (`RDY`) loses every setting (quectel-ssl.md §2 fact 5).
    public mutating func reset() {
        negotiateTime.removeAll()
        closeTimeMode.removeAll()
        clientContext.removeAll()
    }
}
