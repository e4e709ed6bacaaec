import ATTraceCore

/// Transparent (online data) mode: escapes and their guard times, carrier loss, DTR exits,
/// `ATO` and `AT+QISWTMD` (quectel-ssl.md §3.4, §8 T16–T23; product.md §7.1, §7.5).
extension Analyzer {
    mutating func modeSwitched(_ m: ModeSwitch) {
        switch m.mode {
        case .data:
            break // the CONNECT transaction named the connection
        case .command:
            let target = state.online
            switch m.reason {
            case .escape:
                if let guardTimes = m.escapeGuard, !guardTimes.isRespected() {
                    // The module's guard time: 1 s, or what the host set with ATS12.
                    let guardTime = guardTimes.guardTime
                    var problems: [String] = []
                    if let before = guardTimes.silenceBefore, before < guardTime {
                        problems.append("only \(Self.describe(before)) of silence before the first +")
                    }
                    if guardTimes.spread > guardTime { problems.append("the three + spread over \(Self.describe(guardTimes.spread))") }
                    if guardTimes.silenceAfter < guardTime {
                        problems.append("the module answered \(Self.describe(guardTimes.silenceAfter)) after the last +")
                    }
                    let isDefault = guardTime == EscapeGuard.defaultGuardTime
                    let limit = isDefault ? "1 s" : Self.describe(guardTime)
                    let setting = isDefault ? "" : ", the guard time set with ATS12=\(guardTime.nanoseconds / 20_000_000)"
                    report(Finding(.dataEscapeGuard, time: m.time, frame: m.frame,
                                   message: "+++ escape with " + problems.joined(separator: ", ")
                                   + "; the guard rules ask for \(limit) of silence before and after and all three + "
                                   + "within \(limit)\(setting) (a host that sends data this close to +++ risks its data "
                                   + "being taken as an escape)",
                                   transaction: m.transaction, channel: m.channel))
                }
                suspend(target)
            case .dtr:
                if state.dtrMode != 1 {
                    report(Finding(.dataDTRWithoutD1, time: m.time, frame: m.frame,
                                   message: "the host left transparent mode with DTR, but "
                                   + (state.dtrMode.map { "AT&D\($0) was set" } ?? "no AT&D1 was seen in the capture")
                                   + "; the EC2x default AT&D2 drops the connection instead of suspending it",
                                   transaction: m.transaction, channel: m.channel))
                }
                suspend(target)
            case .noCarrier:
                var message = "NO CARRIER in transparent mode: the connection ended"
                switch target {
                case .ssl(let client)?:
                    message += " (SSL client \(client)); AT+QSSLCLOSE=\(client) is still needed"
                    if var known = state.sslClients[client] {
                        known.phase = .closing
                        known.closedBy = Evidence(time: m.time, frame: m.frame, transaction: nil)
                        state.sslClients[client] = known
                    }
                case .socket(let socket)?:
                    message += " (socket \(socket)); AT+QICLOSE=\(socket) is still needed"
                    if var known = state.sockets[socket] {
                        known.phase = .closing
                        known.closedBy = Evidence(time: m.time, frame: m.frame, transaction: nil)
                        state.sockets[socket] = known
                    }
                case .other?, nil:
                    break
                }
                report(Finding(.dataCarrierLost, time: m.time, frame: m.frame, message: message,
                               transaction: m.transaction, channel: m.channel))
                state.online = nil
            case .connect:
                break
            }
        }
    }

    private mutating func suspend(_ target: ModuleState.ConnectionID?) {
        if case .ssl(let client)? = target, var known = state.sslClients[client] {
            known.phase = .suspended
            known.receivedAfterEscape = false
            state.sslClients[client] = known
        }
        if case .socket(let socket)? = target, var known = state.sockets[socket] {
            known.phase = .suspended
            state.sockets[socket] = known
        }
        state.lastEscaped = target
        state.online = nil
    }

    /// `AT+QISWTMD=<id>,<mode>`: `CONNECT` for mode 2, `OK` for 0/1 (quectel-ssl.md T20, T23).
    mutating func switchModeCompleted(_ t: Transaction, _ command: ATCommand) {
        guard let id = command.integer(0), let mode = command.integer(1) else { return }
        let isSSL = state.sslClients[id] != nil && state.sockets[id] == nil
        func update(_ known: inout SSLClient) {
            if t.finalCode == .connect {
                known.phase = .online
            } else if t.status == .ok {
                known.phase = .connected
                known.mode = mode
            }
        }
        if isSSL {
            var known = state.sslClients[id]!
            update(&known)
            state.sslClients[id] = known
            if t.finalCode == .connect { state.online = .ssl(id) }
        } else {
            var known = state.sockets[id] ?? SocketState(phase: .connected)
            update(&known)
            state.sockets[id] = known
            if t.finalCode == .connect { state.online = .socket(id) }
        }
    }

    /// `ATO` resumes the connection that last left data mode, or answers `NO CARRIER`
    /// when there is none (quectel-ssl.md T21, T22).
    mutating func resumeCompleted(_ t: Transaction) {
        if t.finalCode == .connect {
            let target = state.lastEscaped
            state.online = target ?? .other
            if case .ssl(let client)? = target { state.sslClients[client]?.phase = .online }
            if case .socket(let socket)? = target { state.sockets[socket]?.phase = .online }
        } else if t.finalCode == .noCarrier {
            let message = state.lastEscaped == nil
                ? "ATO answered NO CARRIER: no connection had left transparent mode, so there is nothing to resume "
                    + "(this is not a lost connection)"
                : "ATO answered NO CARRIER: the connection that left transparent mode is gone"
            report(.sslATONoConnection, message, at: t, time: t.finalTime)
        }
    }
}
