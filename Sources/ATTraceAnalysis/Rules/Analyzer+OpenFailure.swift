import ATTraceCore

/// Explains `+QSSLOPEN: <id>,<err≠0>` with the SSL note's checklist (quectel-ssl.md §10,
/// §11): what the code means, which checklist items it points to, and what the capture
/// shows or rules out for each.
extension Analyzer {
    func openFailureExplanation(client id: Int64, error: Int64, client: SSLClient, urc: URCRecord) -> String {
        let meaning = QuectelSocketError(rawValue: Int(error)).meaning ?? "not in the SSL note's error table"
        var message = "+QSSLOPEN: \(id),\(error) — \(meaning)"
        if let server = client.server { message += "; connecting to \(server)" }
        if let opened = client.openedBy { message += " after \(Self.describe(urc.time.since(opened.time)))" }

        // Which checklist items (SSL note §4) each code points to [quectel-ssl.md §10, I].
        let items: [Int]
        switch error {
        case 561, 570, 573: items = [1]
        case 564, 565: items = [2, 1]
        case 566: items = [1, 2, 3]
        case 569, 558, 559: items = [3, 4, 5, 6]
        case 550: items = [1, 2, 3, 4, 5, 6]
        default: items = []
        }
        switch error {
        case 563: message += "; the client id was still in use (close it with AT+QSSLCLOSE=\(id) first)"
        case 552: message += "; a parameter of the open or of SSL context \(client.context ?? 0) was refused"
        case 553, 554, 568, 574: message += "; the module ran out of resources: close unused connections, then retry"
        default: break
        }
        guard !items.isEmpty else { return message }
        message += ". Checklist (SSL note §4):"
        let context = client.context ?? 0
        for item in items {
            message += " " + checklistItem(item, client: client, context: context) + ";"
        }
        message.removeLast()
        return message
    }

    private func checklistItem(_ item: Int, client: SSLClient, context: Int64) -> String {
        switch item {
        case 1:
            guard let pdp = client.pdpContext else { return "[1 PDP] context unknown" }
            return "[1 PDP] context \(pdp)" + pdpSummary(pdp)
        case 2:
            let host = client.server.map { String($0.prefix(while: { $0 != ":" })) } ?? ""
            let isAddress = !host.isEmpty && host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
            if isAddress { return "[2 DNS] the server is an IP address, DNS is not involved" }
            let pdp = client.pdpContext ?? 1
            if let servers = state.dnsServers[pdp] {
                let unusable = servers.allSatisfy { $0.isEmpty || $0 == "0.0.0.0" }
                return "[2 DNS] \(host) needs DNS; DNS servers of context \(pdp): \(servers.joined(separator: ", "))"
                    + (unusable ? " (unusable)" : "")
            }
            return "[2 DNS] \(host) needs DNS; no AT+QIDNSCFG seen, so the DNS servers are not in the capture"
        case 3:
            let version = state.sslIntegerSetting("sslversion", context: context)
            let cipher = state.sslSetting("ciphersuite", context: context)?.values.first?.text
            var text = "[3 version/cipher] SSL context \(context): "
            switch version {
            case nil: text += "sslversion not set in the capture (default assumed: all)"
            case 4?: text += "sslversion 4 (all versions)"
            case 0?: text += "sslversion 0 (SSL 3.0 only, refused by modern servers)"
            case let value?: text += "sslversion \(value) only (a single version the server must support)"
            }
            if let cipher {
                let code = Int64(cipher.hasPrefix("0x") || cipher.hasPrefix("0X") ? String(cipher.dropFirst(2)) : cipher, radix: 16)
                text += code == 0xFFFF ? ", all cipher suites" : ", only cipher suite \(cipher)"
            } else {
                text += ", cipher suites not set (default: all)"
            }
            return text
        case 4:
            let level = state.sslIntegerSetting("seclevel", context: context)
            let ca = state.sslSetting("cacert", context: context) ?? state.sslSetting("cacertex", context: context)
            switch level {
            case nil, 0?:
                return "[4 CA certificate] seclevel \(level.map(String.init) ?? "not set (default 0)"): the server is not verified"
            case let value?:
                if let ca {
                    let path = ca.values.first?.text ?? "?"
                    let uploaded = state.uploadedFiles[path] != nil ? ", uploaded in this capture" : ", not uploaded in this capture"
                    return "[4 CA certificate] seclevel \(value) with cacert \(path)\(uploaded)"
                }
                return "[4 CA certificate] seclevel \(value) but no CA certificate configured for context \(context) in this capture"
            }
        case 5:
            let level = state.sslIntegerSetting("seclevel", context: context)
            let certificate = state.sslSetting("clientcert", context: context)
            let key = state.sslSetting("clientkey", context: context)
            if level == 2 {
                if certificate == nil || key == nil {
                    return "[5 client certificate] seclevel 2 but no client certificate and key configured in this capture"
                }
                return "[5 client certificate] client certificate and key configured"
            }
            return "[5 client certificate] not requested by the configuration (seclevel \(level.map(String.init) ?? "0"))"
        case 6:
            let ignore = state.sslIntegerSetting("ignorelocaltime", context: context)
            if ignore == 0 {
                return "[6 clock] ignorelocaltime 0: the certificate dates are checked against the module clock"
                    + (state.clockSet == nil ? ", and no AT+CCLK= set the clock in this capture" : ", which AT+CCLK= set")
            }
            return "[6 clock] validity dates not checked (ignorelocaltime \(ignore.map(String.init) ?? "default 1"))"
        default:
            return ""
        }
    }

    /// `ssl.context-incomplete`: seclevel 1 or 2 with no CA certificate (quectel-ssl.md T1).
    mutating func checkContextComplete(_ context: Int64, for t: Transaction, client: Int64) {
        guard let level = state.sslIntegerSetting("seclevel", context: context), level >= 1 else { return }
        let hasCA = state.sslSetting("cacert", context: context) != nil || state.sslSetting("cacertex", context: context) != nil
        guard !hasCA else { return }
        report(.sslContextIncomplete, "\(t.commandText): SSL context \(context) has seclevel \(level) (verify the server) "
               + "but no CA certificate was configured for it in this capture (AT+QSSLCFG=\"cacert\",\(context),…); "
               + "the handshake fails unless it was configured earlier", at: t, client: client, context: context)
    }
}
