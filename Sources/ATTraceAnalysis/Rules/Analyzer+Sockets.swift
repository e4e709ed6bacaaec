import ATTraceCore

/// TCP/UDP sockets (`AT+QIOPEN`, reference/catalog.md §3.2, §4), tracked like SSL clients:
/// open result, peer close, the required `AT+QICLOSE`, use of a socket that is not open.
extension Analyzer {
    mutating func socketOpenSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let socket = command.integer(1) else { return }
        if let known = state.socket(socket), known.phase.isInUse {
            if known.phase == .closing, let closed = known.closedBy {
                report(.tcpCloseMissing, "socket \(socket) was reopened without AT+QICLOSE=\(socket) after it was closed "
                       + "at \(relative(closed.time)) (frame \(closed.frame))",
                       at: Finding.Location(evidence: closed), client: socket, channel: t.channel)
            }
            report(.tcpSocketInUse, "\(t.commandText): socket \(socket) is \(describe(known)); the module refuses the "
                   + "open (563, socket identifier already in use)", at: t, client: socket)
        }
        if let pdp = command.integer(0) { checkPDPActive(pdp, for: t, client: nil) }
        var opened = SocketState(phase: .openSent)
        opened.mode = command.integer(6)
        opened.pdpContext = command.integer(0)
        opened.server = command.parameter(3).map { "\($0.text):\(command.parameter(4)?.text ?? "?")" }
        opened.openedBy = Evidence(time: t.start, frame: t.firstFrame, transaction: t.id)
        opened.openCommand = t.commandLine
        state.sockets[socket] = opened
    }

    mutating func socketUseSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let socket = command.integer(0), let known = state.socket(socket) else { return }
        // `AT+QISEND=<id>,0` and `AT+QIRD=<id>,0` only query counters.
        if command.integer(1) == 0 { return }
        switch known.phase {
        case .connected, .online, .suspended:
            break
        case .closing where command.name == "AT+QIRD":
            break // reading what arrived before the close is allowed
        case .initial, .openSent, .opening, .closing, .closeSent:
            report(.tcpNotConnected, "\(t.commandText): socket \(socket) is \(describe(known)); the module answers ERROR",
                   at: t, client: socket)
        }
    }

    mutating func socketCloseSent(_ t: Transaction, _ command: ATCommand) {
        guard command.form == .write, let socket = command.integer(0) else { return }
        expectations.removeAll(where: { $0.client == socket && $0.urc == "+QIOPEN" && $0.deadline > t.start })
        var known = state.socket(socket) ?? SocketState(phase: .initial)
        known.phaseBeforeClose = known.phase
        known.phase = .closeSent
        state.sockets[socket] = known
    }

    mutating func socketOpenCompleted(_ t: Transaction, _ command: ATCommand) {
        guard let socket = command.integer(1), var opened = state.sockets[socket],
              opened.openedBy?.transaction == t.id else { return }
        switch t.finalCode {
        case .ok?:
            opened.phase = .opening
        case .connect?:
            opened.phase = .online
            state.online = .socket(socket)
        default:
            opened.phase = .initial
        }
        state.sockets[socket] = opened
    }

    mutating func socketCloseCompleted(_ t: Transaction, _ command: ATCommand) {
        guard let socket = command.integer(0), var known = state.sockets[socket] else { return }
        if t.status == .ok {
            state.sockets[socket] = SocketState(phase: .initial)
            if state.online == .socket(socket) { state.online = nil }
            if state.lastEscaped == .socket(socket) { state.lastEscaped = nil }
        } else {
            known.phase = known.phaseBeforeClose ?? .initial
            state.sockets[socket] = known
        }
    }

    mutating func socketURC(_ u: URCRecord) {
        let parsed = u.parsed
        switch u.name {
        case "+QIOPEN":
            guard let socket = parsed.integer(0), let error = parsed.integer(1) else { return }
            var known = state.sockets[socket] ?? SocketState(phase: .opening)
            if error == 0 {
                known.phase = .connected
            } else {
                let meaning = QuectelSocketError(rawValue: Int(error)).meaning ?? "not in the error table"
                var message = "+QIOPEN: \(socket),\(error) — \(meaning)"
                if let server = known.server { message += " (connecting to \(server))" }
                message += socketChecklist(error: error, pdp: known.pdpContext)
                report(Finding(.tcpOpenFailed, time: u.time, frame: u.frame, message: message,
                               transaction: known.openedBy?.transaction, commandLine: known.openCommand,
                               client: Int(socket), channel: u.channel))
                known.phase = .initial
            }
            state.sockets[socket] = known
        case "+QIURC":
            guard let type = parsed.field(0)?.keyword else { return }
            switch type {
            case "closed":
                guard let socket = parsed.integer(1) else { return }
                var known = state.sockets[socket] ?? SocketState(phase: .connected)
                report(.tcpClosedByPeer, "the peer or the network closed socket \(socket)"
                       + (known.server.map { " (\($0))" } ?? "") + "; the host must send AT+QICLOSE=\(socket)",
                       at: u, client: socket)
                if known.phase != .closeSent {
                    known.phase = .closing
                    known.closedBy = Evidence(time: u.time, frame: u.frame, transaction: nil)
                }
                state.sockets[socket] = known
            case "pdpdeact":
                guard let context = parsed.integer(1) else { return }
                report(.pdpDeactivated, "the network deactivated PDP context \(context); its sockets and SSL connections "
                       + "are closed and the host must send AT+QIDEACT=\(context) before activating it again", at: u,
                       context: context)
                if var pdp = state.pdpContexts[context] {
                    pdp.isActive = false
                    pdp.evidence = Evidence(time: u.time, frame: u.frame, transaction: nil)
                    state.pdpContexts[context] = pdp
                } else {
                    state.pdpContexts[context] = ModuleState.PDPContext(
                        isActive: false, evidence: Evidence(time: u.time, frame: u.frame, transaction: nil))
                }
            default:
                break
            }
        default:
            break
        }
    }

    mutating func finishSockets(endTime: Timestamp?) {
        for socket in state.sockets.keys.sorted() {
            guard let known = state.sockets[socket], known.phase == .closing, let closed = known.closedBy else { continue }
            report(.tcpCloseMissing, "socket \(socket) was closed at \(relative(closed.time)) (frame \(closed.frame)) and the "
                   + "capture ends without AT+QICLOSE=\(socket)", at: Finding.Location(evidence: closed), client: socket,
                   channel: 0)
        }
    }

    private func socketChecklist(error: Int64, pdp: Int64?) -> String {
        switch error {
        case 561, 570, 573:
            return "; check the PDP context" + (pdp.map { " \($0)" } ?? "") + pdpSummary(pdp)
        case 564, 565:
            return "; the host name could not be resolved: check the DNS servers (AT+QIDNSCFG)"
        default:
            return ""
        }
    }
}
