import ATTraceCore

/// Rules every command is checked against (product.md §4): result codes, response times,
/// pipelining, payload lengths, syntax, parameter ranges, unknown commands; and the
/// dispatch to the protocol-specific rules.
extension Analyzer {
    /// `first` holds the facts of the line's first command.
    mutating func commandSent(_ t: Transaction, _ first: CommandFacts) {
        if let pending = unexplainedErrorTransaction, t.name != "AT+QIGETERROR" || pending == t.id {
            flushUnexplainedError()
        }
        hasSeenTransaction = true
        let lastName = t.commandName(at: t.commandCount - 1)
        restartRequest = Self.restartCommands.contains(lastName) ? t.command(at: t.commandCount - 1) : nil
        if let earlier = t.pipelinedAfter {
            report(.atPipelined, "\(t.commandText) was sent while #\(earlier) still waited for its final result; "
                   + "answers are matched to commands oldest first, so a slow or lost answer shifts them", at: t)
        }
        // The syntax of a line depends on its bytes alone: a line already found clean is
        // not checked again (hosts repeat their lines).
        if !cleanCommandLines.contains(t.commandLine) {
            let reportsBefore = reportCount
            for (index, command) in t.commands.enumerated() {
                checkCommandSyntax(command, in: t, spec: index == 0 ? first.spec : facts(command.name).spec)
            }
            if reportCount == reportsBefore { cleanCommandLines.insert(t.commandLine) }
        }
        // A command is copied out of the line only when a rule follows it.
        for index in 0..<t.commandCount {
            guard let followed = index == 0 ? first.followed : facts(t.commandName(at: index)).followed else { continue }
            let command = t.command(at: index)
            switch followed {
            case .sslOpen: sslOpenSent(t, command)
            case .sslSend: sslSendSent(t, command)
            case .sslReceive: sslReceiveSent(t, command)
            case .sslClose: sslCloseSent(t, command)
            case .socketOpen: socketOpenSent(t, command)
            case .socketSend, .socketRead: socketUseSent(t, command)
            case .socketClose: socketCloseSent(t, command)
            case .pdpDeactivation: pdpDeactivateSent(t, command)
            default: break
            }
        }
    }

    /// `first` holds the facts of the line's first command.
    mutating func commandCompleted(_ t: Transaction, _ first: CommandFacts) {
        deadlines.observe(t)
        if let time = t.finalTime {
            recentFinals[t.id] = time
        }
        checkResult(t, spec: first.spec)
        checkTiming(t)
        checkPayloads(t, spec: first.spec)
        registerExpectations(t, spec: first.spec)
        for index in 0..<t.commandCount {
            guard let followed = index == 0 ? first.followed : facts(t.commandName(at: index)).followed else { continue }
            let command = t.command(at: index)
            switch followed {
            case .pdpActivation, .pdpDeactivation, .packetDomainActivation, .pdpConfiguration, .dnsConfiguration:
                pdpCommandCompleted(t, command, followed)
            case .sslConfiguration: sslConfigurationCompleted(t, command)
            case .sslOpen: sslOpenCompleted(t, command)
            case .sslSend: sslSendCompleted(t, command)
            case .sslReceive: sslReceiveCompleted(t, command)
            case .sslClose: sslCloseCompleted(t, command)
            case .sslState: sslStateCompleted(t, command)
            case .switchMode: switchModeCompleted(t, command)
            case .socketOpen: socketOpenCompleted(t, command)
            case .socketClose: socketCloseCompleted(t, command)
            case .resume: resumeCompleted(t)
            case .dtrMode: if t.status == .ok { state.dtrMode = command.integer(0) ?? 0 }
            case .clock: if t.status == .ok && command.form == .write { state.clockSet = evidence(t) }
            case .fileUpload:
                if t.status == .ok, let name = command.parameter(0)?.text { state.uploadedFiles[name] = evidence(t) }
            case .socketError: explainError(with: t)
            case .dial:
                if t.finalCode == .connect { state.online = .other }
            case .socketSend, .socketRead:
                break
            }
        }
    }

    func evidence(_ t: Transaction) -> Evidence {
        Evidence(time: t.finalTime ?? t.start, frame: t.lastFrame, transaction: t.id)
    }

    // MARK: - Results

    private mutating func checkResult(_ t: Transaction, spec: CommandSpec?) {
        guard t.status == .error || t.finalCode == .noCarrier, let final = t.final else { return }
        switch final.code {
        case .sendFail:
            let payload = t.tx.map { " (\($0.length) bytes)" } ?? ""
            report(.resultSendFail, "\(t.commandText) → SEND FAIL\(payload): the connection is up but the module's send "
                   + "buffer is full, so the data was not accepted; wait for the peer to read and send again", at: t,
                   client: t.command.integer(0), time: final.time)
        case .noCarrier where t.name == "ATO":
            break // judged by the transparent-mode rules
        case .error, .cmeError, .cmsError, .noCarrier, .busy, .noAnswer, .noDialtone:
            var message = "\(t.commandText) → \(ByteText.string(final.line))"
            // ATV0 digits mean nothing to a reader: name the result code.
            if final.isNumeric { message += " (\(final.code.rawValue))" }
            if let meaning = ErrorMeaning.describe(final) {
                message += ": \(meaning)"
            } else if final.code == .cmeError, let text = final.argument, let code = CMEError(verbose: text) {
                message += " (error \(code.rawValue))"
            }
            for hint in errorHints(t) { message += "; " + hint }
            let finding = Finding(.resultError, time: final.time, frame: final.frame, message: message,
                                  transaction: t.id, commandLine: t.commandLine, client: clientParameter(t).map(Int.init),
                                  channel: t.channel)
            let family = spec?.family
            if final.code == .error, family == .quectelSSL || family == .quectelTCPIP {
                flushUnexplainedError()
                unexplainedError = (finding, t.id)
            } else {
                report(finding)
            }
        case .ok, .connect, .sendOK:
            break
        }
    }

    /// The client or socket id a command is about (for the `client` key of findings).
    func clientParameter(_ t: Transaction) -> Int64? {
        switch facts(t.name).followed {
        case .sslOpen?: t.command.integer(2)
        case .sslSend?, .sslReceive?, .sslClose?, .sslState?: t.command.integer(0)
        default: nil
        }
    }

    /// Likely causes of an `ERROR` the SSL note explains (quectel-ssl.md §0, §1.3, §5.9).
    private func errorHints(_ t: Transaction) -> [String] {
        var hints: [String] = []
        for command in t.commands where command.name == "AT+QSSLCFG" {
            guard let keyword = command.parameter(0)?.text else { continue }
            let lower = keyword.lowercased()
            if ["closetimemode", "cacertex", "ignoremulticertchainverify", "ignoreinvalidcertsign", "psk", "dtls",
                "dtlsversion", "session_cache", "alpn", "renegotiation"].contains(lower) {
                hints.append("\"\(keyword)\" was added in version 1.1 of the SSL note; firmware built against 1.0 may not know it (likely)")
            }
            if lower == "clientcertex" {
                hints.append("\"clientcertex\" is a misprint in the SSL note for \"cacertex\" (likely)")
            }
            if keyword != lower {
                hints.append("the keyword is not lower case as in the SSL note (\"\(lower)\")")
            }
            if lower == "ciphersuite", command.parameter(2)?.isQuoted == true {
                hints.append("the cipher suite is quoted; a module log shows quoted hex refused and the same value unquoted accepted (likely)")
            }
        }
        return hints
    }

    /// `AT+QIGETERROR` after an SSL or TCP/IP `ERROR` says why (quectel-ssl.md §11).
    private mutating func explainError(with t: Transaction) {
        guard var pending = unexplainedError else { return }
        unexplainedError = nil
        if let line = t.responses.first.map({ ResponseLine($0.text) }), line.prefix == "+QIGETERROR",
           let code = line.integer(0) {
            let meaning = QuectelSocketError(rawValue: Int(code)).meaning ?? (line.field(1)?.text ?? "not in the note's table")
            pending.finding.message += "; AT+QIGETERROR (#\(t.id)) then reported \(code): \(meaning)"
        }
        report(pending.finding)
    }

    mutating func flushUnexplainedError() {
        guard let pending = unexplainedError else { return }
        unexplainedError = nil
        report(pending.finding)
    }

    // MARK: - Timing

    private mutating func checkTiming(_ t: Transaction) {
        let maximum = t.maximumResponseTime
        if var latency = t.latency, let maximum {
            // A pipelined command waits for the one before it (product.md §7.7).
            if let earlier = t.pipelinedAfter, let earlierFinal = recentFinals[earlier], let finalTime = t.finalTime,
               earlierFinal > t.latencyStart {
                latency = finalTime.since(earlierFinal)
            }
            // Capture times include host and link latency: allow a little (quectel-ssl.md §5.8).
            let tolerance = Duration(nanoseconds: max(20_000_000, maximum.nanoseconds / 20))
            if latency > maximum + tolerance {
                let from = t.tx != nil ? "the end of its payload" : "the command"
                report(.timeoutFinal, "\(t.commandText) was answered \(Self.describe(latency)) after \(from); "
                       + "its maximum response time is \(Self.describe(maximum))\(deadlineNote(t))", at: t,
                       client: clientParameter(t), time: t.finalTime)
            }
        }
        guard t.status == .unanswered else { return }
        let limit = maximum.map { "its maximum response time of \(Self.describe($0))" }
            ?? "the generic 60 s watchdog (no maximum is documented)"
        switch t.abandonment {
        case .nextCommand(let time)?:
            report(.timeoutUnanswered, "\(t.commandText) got no final result; the host sent its next command "
                   + "\(Self.describe(time.since(t.latencyStart))) later, after \(limit)", at: t, client: clientParameter(t))
        case .restart(let time)?:
            report(.timeoutUnanswered, "\(t.commandText) got no final result: the module restarted "
                   + "\(Self.describe(time.since(t.latencyStart))) later", at: t, client: clientParameter(t))
        case .endOfInput(let time)?:
            let waited = max(time, now ?? time).since(t.latencyStart)
            let bound = maximum ?? DeadlineContext.genericWatchdog
            if waited > bound {
                report(.timeoutUnanswered, "\(t.commandText) got no final result; the capture ends "
                       + "\(Self.describe(waited)) later, after \(limit)", at: t, client: clientParameter(t))
            } else {
                report(.timeoutUnanswered, "\(t.commandText) has no final result yet: the capture ends only "
                       + "\(Self.describe(waited)) after it, within \(limit)", at: t, client: clientParameter(t),
                       severity: .info)
            }
        case nil:
            break
        }
    }

    private func deadlineNote(_ t: Transaction) -> String {
        switch t.name {
        case "AT+QSSLOPEN":
            let context = t.command.integer(1) ?? 0
            return " (150 s + negotiatetime \(deadlines.negotiateTime(context: context)) s of SSL context \(context))"
        case "AT+QSSLCLOSE":
            let client = t.command.integer(0) ?? -1
            let context = deadlines.clientContext[client]
            let mode = context.flatMap { deadlines.closeTimeMode(context: $0) }
            let unit = mode == 1 ? "milliseconds (closetimemode 1)" : (mode == 0 ? "seconds (closetimemode 0)"
                                                                           : "seconds (closetimemode not seen; assumed 0)")
            return " (close_timeout \(t.command.integer(1) ?? 10) in \(unit))"
        default:
            return ""
        }
    }

    static func describe(_ duration: Duration) -> String {
        let ms = Double(duration.nanoseconds) / 1e6
        if abs(ms) < 1000 { return "\(Self.round(ms, 1)) ms" }
        return "\(Self.round(ms / 1000, 2)) s"
    }

    static func round(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(abs(scaled).truncatingRemainder(dividingBy: scale))
        var digits = String(fraction)
        while digits.count < decimals { digits = "0" + digits }
        let sign = scaled < 0 && whole == 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(digits)"
    }

    // MARK: - Payloads

    /// Response lines are classified by their prefix before they are parsed: splitting the
    /// fields of every line of every transaction with a payload cost more than the rest of
    /// these checks, and only a `+QFUPL` or `+QFDWL` line matters.
    private mutating func checkPayloads(_ t: Transaction, spec: CommandSpec?) {
        if let tx = t.tx {
            if tx.end == .escape {
                report(.dataCancelled, "the host cancelled the \(tx.length)-byte payload of \(t.commandText) with ESC; "
                       + "nothing was sent", at: t, client: clientParameter(t), time: tx.endTime)
            }
            if let declared = tx.declaredLength, declared != tx.length {
                let reason = tx.end == .endOfInput ? "before the capture ended" : "before the module answered"
                report(.dataLengthMismatch, "\(t.commandText) announced \(declared) bytes but the host sent \(tx.length) "
                       + "\(reason)", at: t, client: clientParameter(t), time: tx.endTime)
            }
            if tx.declaredLength == nil, let limit = spec?.prompt?.maximumLength, tx.length > limit {
                report(.dataTooLong, "\(t.commandText) sent a \(tx.length)-byte variable-length payload; "
                       + "\(t.name) takes at most \(limit) bytes", at: t, client: clientParameter(t), time: tx.endTime)
            }
            for line in t.responses where ResponseLine.prefix(of: line.text[...]) == "+QFUPL" {
                let parsed = ResponseLine(line.text)
                if parsed.prefix == "+QFUPL", let size = parsed.integer(0), size != Int64(tx.length) {
                    report(.dataLengthMismatch, "\(t.commandText): the host uploaded \(tx.length) bytes but the module "
                           + "stored \(size) (+QFUPL: \(size))", at: t, time: line.time)
                }
            }
        }
        if let rx = t.rx {
            if let declared = rx.declaredLength, declared != rx.length {
                report(.dataLengthMismatch, "\(t.commandText): the module announced \(declared) bytes but delivered "
                       + "\(rx.length) before \(rx.end == .endOfInput ? "the capture ended" : "its next line")",
                       at: t, client: clientParameter(t), time: rx.endTime)
            }
            if t.name == "AT+QSSLRECV" || t.name == "AT+QIRD", let requested = t.command.integer(1),
               requested > 0, Int64(rx.length) > requested {
                report(.dataLengthMismatch, "\(t.commandText) asked for at most \(requested) bytes and got \(rx.length)",
                       at: t, client: clientParameter(t), time: rx.endTime)
            }
            for line in t.responses where ResponseLine.prefix(of: line.text[...]) == "+QFDWL" {
                let parsed = ResponseLine(line.text)
                if parsed.prefix == "+QFDWL", let size = parsed.integer(0), size != Int64(rx.length) {
                    report(.dataLengthMismatch, "\(t.commandText): +QFDWL reports \(size) bytes but \(rx.length) arrived",
                           at: t, time: line.time)
                }
            }
        }
    }

    // MARK: - Syntax and parameters

    private mutating func checkCommandSyntax(_ command: ATCommand, in t: Transaction, spec: CommandSpec?) {
        for issue in command.syntaxIssues {
            report(.atSyntax, "\(t.commandText): \(issue)", at: t)
        }
        guard command.name != "A/" else { return }
        guard let spec else {
            if !reportedUnknownCommands.contains(command.name) {
                reportedUnknownCommands.insert(command.name)
                report(.atUnknownCommand, "\(command.name) is not in attrace's command catalog; its response time and "
                       + "parameters are not checked", at: t)
            }
            return
        }
        if !spec.forms.contains(command.form), command.form != .exec || !spec.forms.isEmpty {
            if !(command.isBasic && command.form == .exec) {
                report(.atSyntax, "\(t.commandText): \(command.name) has no \(command.form.rawValue) form", at: t)
            }
        }
        guard command.form == .write || (command.isBasic && !command.parameters.isEmpty) else { return }
        var specs = spec.parameters
        var parameters = command.parameters[...]
        if !spec.keywordParameters.isEmpty, let keyword = parameters.first {
            if let keywordSpecs = spec.keywordParameters[keyword.keyword] {
                specs = keywordSpecs
                parameters = parameters.dropFirst()
            } else {
                return // an unknown keyword: the module decides; result.error explains it if refused
            }
        }
        for (index, parameter) in parameters.enumerated() {
            guard index < specs.count else {
                if spec.keywordParameters.isEmpty {
                    report(.atSyntax, "\(t.commandText): \(command.name) takes at most \(specs.count) parameters, got \(command.parameters.count)", at: t)
                }
                break
            }
            check(parameter, against: specs[index], in: t)
        }
        let required = specs.prefix(while: { !$0.isOptional }).count
        if parameters.count < required, command.syntaxIssues.isEmpty, spec.keywordParameters.isEmpty || parameters.isEmpty {
            let missing = specs[parameters.count..<required].map { "<\($0.name)>" }.joined(separator: ", ")
            report(.atSyntax, "\(t.commandText): missing \(missing)", at: t)
        }
    }

    private mutating func check(_ parameter: ATParameter, against spec: ParameterSpec, in t: Transaction) {
        if parameter.isEmpty {
            if !spec.isOptional {
                report(.atSyntax, "\(t.commandText): <\(spec.name)> is empty", at: t)
            }
            return
        }
        switch spec.kind {
        case .integer(let range):
            guard let value = numericValue(parameter, spec: spec, in: t) else { return }
            if !range.contains(value) {
                report(.atParamRange, "\(t.commandText): <\(spec.name)> \(value) is outside \(range.lowerBound)–\(range.upperBound)",
                       at: t, client: clientParameter(t))
            }
        case .choice(let choices):
            guard let value = numericValue(parameter, spec: spec, in: t) else { return }
            if !choices.contains(where: { $0.value == value }) {
                let allowed = choices.map { "\($0.value) (\($0.meaning))" }.joined(separator: ", ")
                report(.atParamRange, "\(t.commandText): <\(spec.name)> \(value) is not one of \(allowed)",
                       at: t, client: clientParameter(t))
            }
        case .hexCode(let codes):
            if parameter.isQuoted {
                report(.atSyntax, "\(t.commandText): <\(spec.name)> is quoted; it is a hexadecimal number sent unquoted", at: t)
            }
            let text = parameter.text
            let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
            guard let value = Int64(digits, radix: 16) else {
                report(.atParamRange, "\(t.commandText): <\(spec.name)> \(text) is not a hexadecimal code", at: t)
                return
            }
            if !codes.contains(value) {
                report(.sslCipherNotInNote, "\(t.commandText): cipher suite 0x\(String(value, radix: 16, uppercase: true)) "
                       + "is not in the SSL note's table; some firmware supports more suites", at: t)
            }
        case .string(let maxLength):
            if let maxLength, parameter.text.utf8.count > maxLength {
                report(.atParamRange, "\(t.commandText): <\(spec.name)> is \(parameter.text.utf8.count) characters long; "
                       + "at most \(maxLength) are allowed", at: t)
            }
        case .any:
            break
        }
    }

    private mutating func numericValue(_ parameter: ATParameter, spec: ParameterSpec, in t: Transaction) -> Int64? {
        if parameter.isQuoted {
            if let value = Int64(parameter.text) {
                report(.atSyntax, "\(t.commandText): <\(spec.name)> is quoted; it is a number sent unquoted", at: t)
                return value
            }
        }
        guard let value = parameter.integer else {
            report(.atParamRange, "\(t.commandText): <\(spec.name)> \"\(parameter.text)\" is not a number", at: t)
            return nil
        }
        return value
    }
}
