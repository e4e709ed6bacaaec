import ATTraceCore

/// The SSL client state machine and its violations (quectel-ssl.md §8.2 transitions T1–T40,
/// §8.3). Preconditions are checked when a command is sent, effects applied when it
/// completes. A client id the capture has not mentioned has an unknown state, and no rule
/// calls its use wrong.
extension Analyzer {
    // MARK: - Commands sent

    mutating func sslOpenSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let client = command.integer(2) else { return }
        let context = command.integer(1)
        let pdp = command.integer(0)
        if let existing = state.sslClient(client), existing.phase.isInUse {
            if existing.phase == .closing, let closed = existing.closedBy {
                report(.sslCloseMissing, "client \(client) was reopened without AT+QSSLCLOSE=\(client) after it was closed "
                       + "at \(relative(closed.time)) (frame \(closed.frame)); the note requires the close to return the id "
                       + "to its initial state", at: Finding.Location(evidence: closed), client: client, channel: t.channel)
                state.sslClients[client]?.closedBy = nil
            }
            report(.sslClientInUse, "\(t.commandText): client \(client) is \(describe(existing)); the module answers ERROR "
                   + "(AT+QIGETERROR 563, socket identifier already in use) or +QSSLOPEN: \(client),563", at: t, client: client)
        }
        if let pdp { checkPDPActive(pdp, for: t, client: client) }
        if let context { checkContextComplete(context, for: t, client: client) }
        var opened = SSLClient(phase: .openSent)
        opened.mode = command.integer(5)
        opened.context = context
        opened.pdpContext = pdp
        opened.server = command.parameter(3).map { "\($0.text):\(command.parameter(4)?.text ?? "?")" }
        opened.openedBy = Evidence(time: t.start, frame: t.firstFrame, transaction: t.id)
        opened.openCommand = t.commandLine
        openAttempts[t.id] = (client, state.sslClients[client])
        state.sslClients[client] = opened
    }

    mutating func sslSendSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let client = command.integer(0), let known = state.sslClient(client) else { return }
        switch known.phase {
        case .connected, .suspended, .online:
            break
        case .closing:
            reportCloseMissingUse(t, client: client, known: known)
            report(.sslNotConnected, "\(t.commandText): client \(client) is closing (the connection was closed at "
                   + "\(known.closedBy.map { relative($0.time) } ?? "?")); sending fails with ERROR", at: t, client: client)
        case .initial, .openSent, .opening, .closeSent:
            report(.sslNotConnected, "\(t.commandText): client \(client) is \(describe(known)), so there is no "
                   + "connection to send on; the module answers ERROR", at: t, client: client)
        }
    }

    mutating func sslReceiveSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let client = command.integer(0), let known = state.sslClient(client) else { return }
        switch known.phase {
        case .connected where known.mode == 1:
            report(.sslRecvWrongMode, "\(t.commandText): client \(client) is in direct-push mode (access mode 1); its data "
                   + "arrives by itself in +QSSLURC: \"recv\",\(client),<len> and AT+QSSLRECV is for buffer mode",
                   at: t, client: client)
        case .online, .suspended:
            let softened = known.phase == .suspended && known.receivedAfterEscape
            report(.sslRecvWrongMode, "\(t.commandText): client \(client) was opened in transparent mode (access mode 2)"
                   + (softened ? "; after the escape a \"recv\" URC arrived, so the module may treat it as buffer mode"
                               : "; its data arrives on the port in data mode, not through AT+QSSLRECV"),
                   at: t, client: client, severity: softened ? .info : nil)
        case .connected, .closing:
            break
        case .initial, .openSent, .opening, .closeSent:
            report(.sslNotConnected, "\(t.commandText): client \(client) is \(describe(known)); there is nothing to read",
                   at: t, client: client)
        }
    }

    mutating func sslCloseSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let client = command.integer(0) else { return }
        expectations.removeAll(where: { $0.client == client && $0.urc == "+QSSLOPEN" && $0.deadline > t.start })
        guard var known = state.sslClient(client) else {
            var closing = SSLClient(phase: .closeSent)
            closing.phaseBeforeClose = nil
            state.sslClients[client] = closing
            return
        }
        if known.phase == .initial {
            report(.sslCloseIdle, "\(t.commandText): client \(client) has no connection (it was closed or never opened "
                   + "in this capture)", at: t, client: client)
        }
        if let unread = known.unreadSince, known.phase != .closing {
            report(.sslUnreadData, "client \(client) is closed by \(t.commandText) with data still unread: a \"recv\" URC "
                   + "at \(relative(unread.time)) (frame \(unread.frame)) was never followed by AT+QSSLRECV until "
                   + "+QSSLRECV: 0", at: Finding.Location(evidence: unread), client: client, channel: t.channel)
            known.unreadSince = nil
        }
        known.phaseBeforeClose = known.phase
        known.phase = .closeSent
        state.sslClients[client] = known
    }

    // MARK: - Commands completed

    mutating func sslConfigurationCompleted(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let keyword = command.parameter(0)?.keyword else { return }
        let context = command.integer(1)
        if t.status == .ok, let context, command.parameters.count > 2 {
            state.sslSettings[context, default: [:]][keyword] = (Array(command.parameters.dropFirst(2)), evidence(t))
        }
        // Query answers report the current value.
        for line in t.responses {
            let parsed = ResponseLine(line.text)
            guard parsed.prefix == "+QSSLCFG", let key = parsed.field(0)?.keyword,
                  let ctx = parsed.integer(1), parsed.fields.count > 2 else { continue }
            let answeredKey = key == "ignoremulticertchainverify" && keyword == "ignoreinvalidcertsign" ? keyword : key
            state.sslSettings[ctx, default: [:]][answeredKey] = (Array(parsed.fields.dropFirst(2)),
                                                                Evidence(time: line.time, frame: line.frame, transaction: t.id))
        }
    }

    mutating func sslOpenCompleted(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let client = command.integer(2), var opened = state.sslClients[client],
              opened.openedBy?.transaction == t.id else { return }
        let previous = openAttempts.removeValue(forKey: t.id)
        switch t.finalCode {
        case .ok?:
            opened.phase = .opening
            if opened.mode == nil { opened.mode = 0 }
            state.sslClients[client] = opened
        case .connect?:
            opened.phase = .online
            opened.mode = 2
            state.sslClients[client] = opened
            state.online = .ssl(client)
        default:
            // Refused (or unanswered): the id keeps the state it had.
            if let before = previous?.1 { state.sslClients[client] = before } else {
                state.sslClients[client] = SSLClient(phase: .initial)
            }
        }
    }

    /// A client the capture never saw connected, refused with `ERROR`: the module confirms
    /// there is no connection (quectel-ssl.md T11), though the capture cannot show why.
    mutating func sslSendCompleted(_ t: Transaction, _ command: ATCommand) {
        confirmNotConnected(t, command)
    }

    private mutating func confirmNotConnected(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, t.finalCode == .error, let client = command.integer(0),
              state.sslClient(client) == nil else { return }
        report(.sslNotConnected, "\(t.commandText) → ERROR: client \(client) was not seen connected in this capture and the "
               + "module refused it, so it is most likely not connected (no AT+QSSLOPEN=…,\(client),… answered by "
               + "+QSSLOPEN: \(client),0 here)", at: t, client: client)
    }

    mutating func sslReceiveCompleted(_ t: Transaction, _ command: ATCommand) {
        confirmNotConnected(t, command)
        guard let client = command.integer(0), var known = state.sslClients[client], t.status == .ok, let rx = t.rx else { return }
        // Reading until fewer bytes than asked (or 0) empties the buffer (quectel-ssl.md T13).
        if rx.length == 0 || Int64(rx.length) < (command.integer(1) ?? 0) {
            known.unreadSince = nil
        }
        state.sslClients[client] = known
    }

    mutating func sslCloseCompleted(_ t: Transaction, _ command: ATCommand) {
        guard let client = command.integer(0), var known = state.sslClients[client] else { return }
        if t.status == .ok {
            state.sslClients[client] = SSLClient(phase: .initial)
            if state.online == .ssl(client) { state.online = nil }
            if state.lastEscaped == .ssl(client) { state.lastEscaped = nil }
        } else if known.phase == .closeSent {
            known.phase = known.phaseBeforeClose ?? .initial
            state.sslClients[client] = known
        }
    }

    /// `+QSSLSTATE` lines report each connection; disagreement means missed traffic (T38).
    mutating func sslStateCompleted(_ t: Transaction, _ command: ATCommand) {
        guard t.status == .ok else { return }
        for line in t.responses {
            let parsed = ResponseLine(line.text)
            guard parsed.prefix == "+QSSLSTATE", let client = parsed.integer(0), let reported = parsed.integer(5) else { continue }
            let mode = parsed.integer(8)
            if let known = state.sslClients[client], known.phase.reportedState != reported,
               !(known.phase == .suspended && reported == 2) {
                report(.sslStateMismatch, "+QSSLSTATE reports client \(client) in state \(reported) but the capture's traffic "
                       + "left it \(describe(known)); some traffic is probably missing from the capture",
                       at: t, client: client, time: line.time)
            }
            var adopted = state.sslClients[client] ?? SSLClient(phase: .initial)
            switch reported {
            case 0: adopted.phase = .initial
            case 1: if adopted.phase != .openSent { adopted.phase = .opening }
            case 2: if !adopted.phase.isConnected { adopted.phase = mode == 2 ? .suspended : .connected }
            case 4: if adopted.phase != .closeSent { adopted.phase = .closing }
            default: break
            }
            adopted.mode = mode ?? adopted.mode
            adopted.pdpContext = parsed.integer(6) ?? adopted.pdpContext
            adopted.context = parsed.integer(10) ?? adopted.context
            state.sslClients[client] = adopted
        }
    }

    // MARK: - URCs

    mutating func sslURC(_ u: URCRecord) {
        let parsed = u.parsed
        switch u.name {
        case "+QSSLOPEN":
            guard let client = parsed.integer(0), let error = parsed.integer(1) else { return }
            guard var known = state.sslClients[client], known.phase == .opening || known.phase == .openSent else {
                if state.sslClients[client] == nil && !state.isKnownEmpty {
                    report(.sslOrphanURC, "\(ByteText.string(u.text)) for client \(client), which the capture never saw "
                           + "opened (it probably started mid-session)", at: u, client: client)
                }
                var adopted = SSLClient(phase: error == 0 ? .connected : .initial)
                adopted.mode = 0
                state.sslClients[client] = adopted
                return
            }
            if error == 0 {
                known.phase = .connected
                state.sslClients[client] = known
            } else {
                report(Finding(.sslOpenFailed, time: u.time, frame: u.frame,
                               message: openFailureExplanation(client: client, error: error, client: known, urc: u),
                               transaction: known.openedBy?.transaction, commandLine: known.openCommand,
                               client: Int(client), context: known.context.map(Int.init), channel: u.channel))
                state.sslClients[client] = SSLClient(phase: .initial)
            }
        case "+QSSLURC":
            guard let type = parsed.field(0)?.keyword, let client = parsed.integer(1) else { return }
            let known = state.sslClients[client]
            if known == nil && !state.isKnownEmpty {
                report(.sslOrphanURC, "\(ByteText.string(u.text)) for client \(client), which the capture never saw opened "
                       + "(it probably started mid-session)", at: u, client: client)
            }
            var client_ = known ?? SSLClient(phase: .connected)
            if type == "recv" {
                let isPush = u.payload != nil || parsed.fields.count > 2
                if client_.phase == .connected, let mode = client_.mode {
                    if mode == 0 && isPush {
                        report(.sslModeMismatch, "\(ByteText.string(u.text)) pushes data, but client \(client) was opened "
                               + "in buffer mode (access mode 0); an access-mode switch was probably missed", at: u, client: client)
                    } else if mode == 1 && !isPush {
                        report(.sslModeMismatch, "\(ByteText.string(u.text)) announces buffered data, but client \(client) "
                               + "is in direct-push mode (access mode 1); an access-mode switch was probably missed",
                               at: u, client: client)
                    }
                }
                if known == nil { client_.mode = isPush ? 1 : 0 }
                if !isPush && client_.unreadSince == nil {
                    client_.unreadSince = Evidence(time: u.time, frame: u.frame, transaction: nil)
                }
                if client_.phase == .suspended { client_.receivedAfterEscape = true }
                if let payload = u.payload, let declared = payload.declaredLength, declared != payload.length {
                    report(.dataLengthMismatch, "\(ByteText.string(u.text)) announced \(declared) bytes but \(payload.length) "
                           + "arrived before the next traffic", at: u, client: client)
                }
            } else if type == "closed" {
                var message = "the server or the network closed client \(client)"
                if let server = client_.server { message += " (\(server))" }
                message += "; the host must send AT+QSSLCLOSE=\(client) to free the id"
                report(.sslClosedByPeer, message, at: u, client: client)
                if let unread = client_.unreadSince {
                    report(.sslUnreadData, "client \(client) was closed with data still unread: the \"recv\" URC at "
                           + "\(relative(unread.time)) (frame \(unread.frame)) was never read to +QSSLRECV: 0",
                           at: Finding.Location(evidence: unread), client: client, channel: u.channel)
                    client_.unreadSince = nil
                }
                if client_.phase != .closeSent {
                    client_.phase = .closing
                    client_.closedBy = Evidence(time: u.time, frame: u.frame, transaction: nil)
                }
            }
            state.sslClients[client] = client_
        default:
            break
        }
    }

    // MARK: - End of input

    mutating func finishSSL(endTime: Timestamp?) {
        for client in state.sslClients.keys.sorted() {
            guard let known = state.sslClients[client] else { continue }
            if known.phase == .closing, let closed = known.closedBy {
                report(.sslCloseMissing, "client \(client) was closed at \(relative(closed.time)) (frame \(closed.frame)) "
                       + "and the capture ends without AT+QSSLCLOSE=\(client); the id stays unusable until it is closed",
                       at: Finding.Location(evidence: closed), client: client, channel: 0)
            }
            if let unread = known.unreadSince, known.phase.isConnected {
                report(.sslUnreadData, "the \"recv\" URC for client \(client) at \(relative(unread.time)) "
                       + "(frame \(unread.frame)) was never read to +QSSLRECV: 0 before the capture ends",
                       at: Finding.Location(evidence: unread), client: client, channel: 0)
            }
        }
    }

    // MARK: - Helpers

    private mutating func reportCloseMissingUse(_ t: Transaction, client: Int64, known: SSLClient) {
        guard let closed = known.closedBy else { return }
        report(.sslCloseMissing, "\(t.commandText) uses client \(client), which was closed at \(relative(closed.time)) "
               + "(frame \(closed.frame)) and not yet released with AT+QSSLCLOSE=\(client)",
               at: Finding.Location(evidence: closed), client: client, channel: t.channel)
        state.sslClients[client]?.closedBy = nil
    }

    func describe(_ client: SSLClient) -> String {
        switch client.phase {
        case .initial: "not connected"
        case .openSent: "being opened (AT+QSSLOPEN not answered yet)"
        case .opening: "opening (waiting for +QSSLOPEN)"
        case .connected: "connected"
        case .online: "online in transparent mode"
        case .suspended: "connected (transparent, escaped)"
        case .closing: "closing (closed by the peer, waiting for AT+QSSLCLOSE)"
        case .closeSent: "being closed"
        }
    }

    /// Seconds since the first record, for messages ("at 12.3 s").
    func relative(_ time: Timestamp) -> String {
        guard let first = statistics.firstTime else { return "?" }
        return Self.round(Double(time.since(first).nanoseconds) / 1e9, 3) + " s"
    }
}
