/// What a host command line makes the module send (product.md §3; quectel-ssl.md §5.3;
/// reference/catalog.md §2), derived from the line's commands and the catalog alone.
///
/// The decoder keeps one per distinct line in its line cache beside the line's bytes, so a
/// line that recurs (`AT+QSSLRECV=0,1500`, `AT+CSQ`) costs no parsing, catalog lookup or
/// parameter conversion when it is sent again (product.md §5). Immutable, hence shared.
final class CommandLineShape: Sendable {
    /// The commands of the line (`[A/]` for a repeat).
    let commands: [ATCommand]
    /// The commands that decide the traffic: the line's own, or for `A/` the repeated line's.
    let effective: [ATCommand]
    /// The spec of the effective command that shapes the traffic: the first with a prompt, a
    /// transfer or a counted answer, otherwise the first command's.
    let spec: CommandSpec?
    /// The command whose maximum response time applies (the first effective one), and its spec.
    let timedCommand: ATCommand
    let timedSpec: CommandSpec?
    /// The timed spec's response time (`nil` without a spec).
    let responseTime: ResponseTime?
    /// What the command's `> ` prompt would introduce, if it prompts.
    let promptPayload: PendingTransaction.PromptPayload?
    /// Bytes the host uploads after `CONNECT` (`AT+QFUPL`, `AT+QHTTPURL`, …).
    let uploadLength: Int?
    /// How a download after `CONNECT` ends (`AT+QFREAD`, `AT+QFDWL`, `AT+QHTTPREAD`).
    let download: DownloadKind?
    let countedResponse: CountedResponse?
    /// `AT+QFUPL` with ackmode 1: the module sends `A` every 1024 bytes.
    let acknowledgesUpload: Bool
    /// `ATV0` is answered in numeric form already (V.250 §6.2.6).
    let isSettingNumeric: Bool
    /// Information-response prefixes that answer the line: each effective command's own
    /// (`AT+QSSLRECV` owns `+QSSLRECV`) and those the catalog lists.
    let responsePrefixes: [String]
    /// Prefixes of results that arrive as URCs even while the command is pending
    /// (`+QSSLOPEN: 4,0` after `AT+QSSLOPEN=…`, quectel-ssl.md §7).
    let asynchronousPrefixes: [String]
    /// The spec lists results that arrive later as URCs.
    var hasAsynchronousResults: Bool { spec.map { !$0.asyncResults.isEmpty } ?? false }
    /// Settings an `OK` to the line changes, in command order.
    let effects: [Effect]
    /// The line may teach ``DeadlineContext`` something (`AT+QSSLCFG`, `AT+QSSLOPEN`).
    let informsDeadlines: Bool

    /// A setting of the decoder that a command changes when it is answered `OK`.
    enum Effect: Hashable {
        /// `ATV`: numeric (`true`) or verbose result codes.
        case numericResults(Bool)
        /// `AT+CMUX=…`: the channel's bytes become 27.010 frames.
        case multiplexing
        /// `ATS12=<n>`: the `+++` guard time.
        case escapeGuardTime(Duration)
        /// `ATZ`, `AT&F`: settings back to their defaults.
        case factoryDefaults
    }

    /// The shape of a line with `commands`.
    convenience init(commands: [ATCommand], catalog: CommandCatalog) {
        self.init(commands: commands, effective: commands, catalog: catalog)
    }

    /// The shape of `A/`, which behaves like the line it repeats (V.250 §5.2.4).
    convenience init(repeating repeated: CommandLineShape?, catalog: CommandCatalog) {
        let commands = [ATCommand(name: "A/", form: .exec)]
        self.init(commands: commands, effective: repeated?.commands ?? commands, catalog: catalog)
    }

    private init(commands: [ATCommand], effective: [ATCommand], catalog: CommandCatalog) {
        self.commands = commands
        self.effective = effective
        // One catalog lookup per command: the first command that shapes the traffic decides
        // it; usually there is one command.
        var main = effective[0]
        var spec = catalog.command(main.name)
        if effective.count > 1, spec.map({ !Self.shapesTraffic($0) }) ?? true {
            for candidate in effective.dropFirst() {
                if let candidateSpec = catalog.command(candidate.name), Self.shapesTraffic(candidateSpec) {
                    main = candidate
                    spec = candidateSpec
                    break
                }
            }
        }
        self.spec = spec
        timedCommand = effective[0]
        timedSpec = main.name == effective[0].name ? spec : catalog.command(effective[0].name)
        responseTime = timedSpec?.responseTime

        var promptPayload: PendingTransaction.PromptPayload?
        if let rule = spec?.prompt, main.form == .write || (main.form == .exec && main.name == "AT+CMGW") {
            if let index = rule.lengthParameter, let parameter = main.parameter(index) {
                if let length = parameter.integer, length > 0 {
                    promptPayload = .fixed(Int(length))
                }
            } else {
                promptPayload = .untilCtrlZ
            }
        }
        self.promptPayload = promptPayload
        var uploadLength: Int?
        var download: DownloadKind?
        if let rule = spec?.transfer, main.form == .write || main.form == .exec {
            switch rule {
            case .upload(let index, let defaultLength):
                if let length = main.integer(index).map(Int.init) ?? defaultLength, length > 0 {
                    uploadLength = length
                }
            case .download(let kind):
                download = kind
            }
        }
        self.uploadLength = uploadLength
        self.download = download
        countedResponse = main.form == .write ? spec?.countedResponse : nil
        acknowledgesUpload = main.name == "AT+QFUPL" && main.integer(3) == 1
        isSettingNumeric = effective.contains { $0.name == "ATV" && ($0.parameter(0)?.text ?? "0") == "0" }

        var prefixes: [String] = []
        for command in effective where command.name.utf8.count > 2 {
            prefixes.append(String(command.name.dropFirst(2)))
        }
        if effective.count == 1 {
            prefixes += spec?.extraResponsePrefixes ?? []
        } else {
            for command in effective {
                prefixes += catalog.command(command.name)?.extraResponsePrefixes ?? []
            }
        }
        responsePrefixes = prefixes
        if commands[0].form == .write, let spec {
            asynchronousPrefixes = spec.asyncResults.filter { $0.subtype == nil }.map(\.urc)
        } else {
            asynchronousPrefixes = []
        }

        var effects: [Effect] = []
        for command in effective {
            switch command.name {
            case "ATV":
                effects.append(.numericResults((command.parameter(0)?.text ?? "0") == "0"))
            case "AT+CMUX" where command.form == .write:
                effects.append(.multiplexing)
            case "ATS12" where command.form == .write:
                // n × 20 ms; a value no module accepts must not overflow.
                if let units = command.integer(0) {
                    let (milliseconds, overflow) = units.multipliedReportingOverflow(by: 20)
                    if !overflow { effects.append(.escapeGuardTime(.milliseconds(milliseconds))) }
                }
            case "ATZ", "AT&F":
                effects.append(.factoryDefaults)
            default:
                break
            }
        }
        self.effects = effects
        let observed = spec.map { DeadlineContext.observedCommands.contains($0.name) } ?? false
        informsDeadlines = observed || commands.count > 1
    }

    /// `true` when a `+NAME:` line with `prefix` answers the line, rather than being an
    /// asynchronous result or a URC.
    func isResponse(prefix: String) -> Bool {
        responsePrefixes.contains(prefix) && !asynchronousPrefixes.contains(prefix)
    }

    private static func shapesTraffic(_ spec: CommandSpec) -> Bool {
        spec.prompt != nil || spec.transfer != nil || spec.countedResponse != nil
    }
}
