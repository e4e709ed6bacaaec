import ATTraceCore

/// URC dispatch, module restarts, and the MQTT and HTTP(S) result URCs
/// (reference/catalog.md §4, §5.3, §5.4).
extension Analyzer {
    mutating func urcArrived(_ u: URCRecord) {
        fulfilExpectations(with: u)
        switch u.name {
        case "+QSSLOPEN", "+QSSLURC": sslURC(u)
        case "+QIOPEN", "+QIURC": socketURC(u)
        case "+QMTOPEN", "+QMTCONN", "+QMTSTAT", "+QMTSUB", "+QMTUNS", "+QMTPUB", "+QMTPUBEX": mqttURC(u)
        case "+QHTTPGET", "+QHTTPPOST", "+QHTTPPOSTFILE", "+QHTTPREAD", "+QHTTPREADFILE": httpURC(u)
        default:
            if catalog.urc(u.name)?.isRestart == true { restarted(u) }
        }
    }

    /// Restarts the host asks for (catalog.md §3.1): `AT+QPOWD` powers the module down,
    /// `AT+CFUN=<fun>,1` resets it (it boots again with `RDY`), and any other `AT+CFUN` may
    /// be followed by a power-down but not by a boot. `resetParameter` is the parameter that
    /// must be 1; `urcs` the restart URCs the command explains (all when `nil`).
    static let requestedRestarts: [(command: String, resetParameter: Int?, urcs: Set<String>?)] = [
        ("AT+QPOWD", nil, nil),
        ("AT+CFUN", 1, nil),
        ("AT+CFUN", nil, ["POWERED DOWN", "NORMAL POWER DOWN", "PSM POWER DOWN"]),
    ]

    /// The commands of ``requestedRestarts``.
    static let restartCommands = Set(requestedRestarts.map(\.command))

    /// `true` when the latest command asked for this restart.
    private func isRequested(_ u: URCRecord) -> Bool {
        guard let command = restartRequest else { return false }
        return Self.requestedRestarts.contains { request in
            request.command == command.name
                && (request.resetParameter.map { command.integer($0) == 1 } ?? true)
                && (request.urcs?.contains(u.name) ?? true)
        }
    }

    /// `RDY` / `POWERED DOWN`: every connection and setting is gone (quectel-ssl.md T37).
    private mutating func restarted(_ u: URCRecord) {
        if hasSeenTransaction && !isRequested(u) {
            var lost: [String] = []
            for (client, known) in state.sslClients.sorted(by: { $0.key < $1.key }) where known.phase.isInUse {
                lost.append("SSL client \(client)")
            }
            for (socket, known) in state.sockets.sorted(by: { $0.key < $1.key }) where known.phase.isInUse {
                lost.append("socket \(socket)")
            }
            let active = state.pdpContexts.filter(\.value.isActive).keys.sorted().map { "PDP context \($0)" }
            var message = "\(ByteText.string(u.text)): the module restarted in the middle of the session; every "
                + "connection and setting is lost"
            if !(lost + active).isEmpty { message += " (" + (lost + active).joined(separator: ", ") + ")" }
            report(.modemRestart, message, at: u)
        }
        state.reset()
        expectations.removeAll()
        deadlines.reset()
    }

    private mutating func mqttURC(_ u: URCRecord) {
        let parsed = u.parsed
        guard let client = parsed.integer(0) else { return }
        switch u.name {
        case "+QMTOPEN":
            guard let result = parsed.integer(1), result != 0 else { return }
            let meanings: [Int64: String] = [
                -1: "failed to open the network", 1: "wrong parameter", 2: "MQTT identifier occupied",
                3: "failed to activate the PDP context", 4: "failed to parse the domain name",
                5: "network connection error"]
            report(.mqttOpenFailed, "\(ByteText.string(u.text)) — \(meanings[result] ?? "unknown result \(result)")",
                   at: u, client: client, transaction: u.transaction)
        case "+QMTCONN":
            guard let result = parsed.integer(1) else { return }
            if result != 0 {
                report(.mqttConnectFailed, "\(ByteText.string(u.text)) — "
                       + (result == 1 ? "the CONNECT packet was retransmitted" : "the CONNECT packet could not be sent"),
                       at: u, client: client, transaction: u.transaction)
            } else if let code = parsed.integer(2), code != 0 {
                let meanings: [Int64: String] = [
                    1: "unacceptable protocol version", 2: "identifier rejected", 3: "server unavailable",
                    4: "bad user name or password", 5: "not authorized"]
                report(.mqttConnectFailed, "\(ByteText.string(u.text)) — the broker refused the connection: "
                       + (meanings[code] ?? "return code \(code)"), at: u, client: client,
                       transaction: u.transaction)
            }
        case "+QMTSTAT":
            guard let error = parsed.integer(1) else { return }
            let meanings: [Int64: String] = [
                1: "the connection was closed or reset by the peer", 2: "sending PINGREQ failed or timed out",
                3: "sending CONNECT failed or timed out", 4: "receiving CONNACK failed or timed out",
                5: "the client sent DISCONNECT and the server closed the connection (normal)",
                6: "the client closed the connection after repeated send failures",
                7: "the link is not alive or the server is unavailable", 8: "the client closed the MQTT connection"]
            report(.mqttLinkLost, "\(ByteText.string(u.text)) — \(meanings[error] ?? "state \(error)")", at: u,
                   client: client, transaction: u.transaction)
            if error == 5 || error == 8 { lowerLastFinding(of: .mqttLinkLost, to: .info) }
        default:
            // +QMTSUB / +QMTUNS / +QMTPUB(EX): <id>,<msgID>,<result>[,…]; 2 = failed to send.
            if parsed.integer(2) == 2 {
                report(.mqttSendFailed, "\(ByteText.string(u.text)) — the packet could not be sent", at: u, client: client,
                       transaction: u.transaction)
            }
        }
    }

    private mutating func httpURC(_ u: URCRecord) {
        let parsed = u.parsed
        guard let error = parsed.integer(0) else { return }
        if error != 0 {
            let meaning = CMEError(rawValue: Int(error)).meaning ?? "error \(error)"
            report(.httpRequestFailed, "\(ByteText.string(u.text)) — \(meaning)", at: u, transaction: u.transaction)
        } else if u.name != "+QHTTPREAD" && u.name != "+QHTTPREADFILE", let status = parsed.integer(1), status >= 400 {
            report(.httpStatus, "\(ByteText.string(u.text)) — the server answered HTTP \(status)", at: u,
                   transaction: u.transaction)
        }
    }
}
