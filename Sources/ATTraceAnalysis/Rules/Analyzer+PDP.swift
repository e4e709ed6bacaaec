import ATTraceCore

/// PDP contexts (`AT+QICSGP`, `AT+QIACT`, `AT+QIDEACT`, `+QIACT:` answers, `"pdpdeact"`):
/// a socket needs its context active (quectel-ssl.md §2 step 2, §10 item 1).
extension Analyzer {
    mutating func pdpCommandCompleted(_ t: Transaction, _ command: ATCommand, _ followed: FollowedCommand) {
        let evidence = evidence(t)
        switch followed {
        case .pdpActivation:
            if command.form == .write, t.status == .ok, let context = command.integer(0) {
                setPDP(context, active: true, evidence: evidence)
            }
            // `+QIACT: <cid>,<state>,<type>[,"<IP>"]` lists the contexts (read form).
            for line in t.responses {
                let parsed = ResponseLine(line.text)
                guard parsed.prefix == "+QIACT", let context = parsed.integer(0), let active = parsed.integer(1) else { continue }
                setPDP(context, active: active == 1, evidence: Evidence(time: line.time, frame: line.frame, transaction: t.id),
                       address: parsed.field(3)?.text)
            }
        case .pdpDeactivation:
            if t.status == .ok, let context = command.integer(0) { setPDP(context, active: false, evidence: evidence) }
        case .packetDomainActivation:
            if t.status == .ok, command.form == .write, let active = command.integer(0) {
                if let context = command.integer(1) { setPDP(context, active: active == 1, evidence: evidence) }
            }
        case .pdpConfiguration:
            if command.form == .write, t.status == .ok, let context = command.integer(0), let apn = command.parameter(2)?.text {
                state.apns[context] = apn
            }
        case .dnsConfiguration:
            guard let context = command.integer(0) else { return }
            if command.parameters.count > 1, t.status == .ok {
                state.dnsServers[context] = command.parameters.dropFirst().map(\.text)
            }
            for line in t.responses {
                let parsed = ResponseLine(line.text)
                if parsed.prefix == "+QIDNSCFG", let ctx = parsed.integer(0) {
                    state.dnsServers[ctx] = parsed.fields.dropFirst().map(\.text)
                }
            }
        default:
            break
        }
    }

    private mutating func setPDP(_ context: Int64, active: Bool, evidence: Evidence, address: String? = nil) {
        var pdp = state.pdpContexts[context] ?? ModuleState.PDPContext(isActive: active, evidence: evidence)
        pdp.isActive = active
        pdp.evidence = evidence
        if let address { pdp.address = address }
        state.pdpContexts[context] = pdp
    }

    /// `pdp.not-active`: a socket opened on a context the capture never saw active.
    mutating func checkPDPActive(_ context: Int64, for t: Transaction, client: Int64?) {
        if let pdp = state.pdpContexts[context] {
            guard !pdp.isActive else { return }
            report(.pdpNotActive, "\(t.commandText) uses PDP context \(context), which was deactivated at "
                   + "\(relative(pdp.evidence.time))" + (pdp.evidence.transaction.map { " (#\($0))" } ?? " (by the network)")
                   + " and not activated again", at: t, client: client, context: context)
        } else if state.isKnownEmpty {
            report(.pdpNotActive, "\(t.commandText) uses PDP context \(context), which was not activated after the module "
                   + "restarted", at: t, client: client, context: context)
        } else {
            report(.pdpNotActive, "\(t.commandText) uses PDP context \(context), which this capture never saw activated "
                   + "(no AT+QIACT=\(context) answered OK, no +QIACT: \(context),1 line); if it was activated before the "
                   + "capture started this is harmless", at: t, client: client, context: context)
        }
    }

    /// `pdp.deact-with-open-ssl` (quectel-ssl.md T36).
    mutating func pdpDeactivateSent(_ t: Transaction, _ command: ATCommand) {
        guard let context = command.integer(0) else { return }
        let open = state.sslClients.filter { $0.value.pdpContext == context && $0.value.phase.isInUse
                                             && $0.value.phase != .closing }.keys.sorted()
        guard !open.isEmpty else { return }
        report(.pdpDeactivateWithOpenSSL, "\(t.commandText) while SSL client\(open.count > 1 ? "s" : "") "
               + open.map(String.init).joined(separator: ", ") + " on that context \(open.count > 1 ? "are" : "is") open; "
               + "the module closes them (\"closed\" URCs); close them first", at: t, context: context)
    }

    /// A short statement of what the capture shows about a PDP context.
    func pdpSummary(_ context: Int64?) -> String {
        guard let context else { return "" }
        guard let pdp = state.pdpContexts[context] else {
            return ": the capture never shows it activated"
        }
        if pdp.isActive {
            return ": it was active since \(relative(pdp.evidence.time))" + (pdp.address.map { " (address \($0))" } ?? "")
        }
        return ": it was deactivated at \(relative(pdp.evidence.time))"
    }
}
