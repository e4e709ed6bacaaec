import ATTraceCore

/// What the analyzer knows about the module at a point in the capture (product.md §4;
/// quectel-ssl.md §2, §8): PDP contexts, SSL contexts and clients, sockets, data mode, and
/// the facts the "why did the open fail" checklist needs. Everything not seen is unknown.
struct ModuleState: Sendable {
    struct PDPContext: Sendable {
        var isActive: Bool
        var evidence: Evidence
        var address: String?
        var apn: String?
    }

    /// PDP contexts the capture saw activated, deactivated or listed.
    var pdpContexts: [Int64: PDPContext] = [:]
    /// APNs configured with `AT+QICSGP`, per context.
    var apns: [Int64: String] = [:]
    /// `AT+QSSLCFG` settings per SSL context: keyword → values and where they were set.
    var sslSettings: [Int64: [String: (values: [ATParameter], evidence: Evidence)]] = [:]
    var sslClients: [Int64: SSLClient] = [:]
    var sockets: [Int64: SocketState] = [:]
    /// DNS servers reported or set per context (`AT+QIDNSCFG`).
    var dnsServers: [Int64: [String]] = [:]
    /// `AT+CCLK=` answered OK.
    var clockSet: Evidence?
    /// Files uploaded with `AT+QFUPL` (name → evidence).
    var uploadedFiles: [String: Evidence] = [:]
    /// The last `AT&D` value set in the capture.
    var dtrMode: Int64?
    /// The connection online in transparent mode, and the one that last left it.
    var online: ConnectionID?
    var lastEscaped: ConnectionID?

    /// An SSL client or a TCP socket.
    enum ConnectionID: Hashable, Sendable {
        case ssl(Int64)
        case socket(Int64)
        /// A data call (`ATD*99#`, PPP) or a transfer the analyzer does not track.
        case other
    }

    /// A restart loses every connection and setting (quectel-ssl.md §2 fact 5, §8 T37);
    /// from then on the state is known: nothing is open.
    mutating func reset() {
        pdpContexts = [:]
        sslSettings = [:]
        sslClients = [:]
        sockets = [:]
        dnsServers = [:]
        online = nil
        lastEscaped = nil
        dtrMode = nil
        isKnownEmpty = true
    }

    /// After a restart every client id is known to be free.
    var isKnownEmpty = false

    func sslClient(_ id: Int64) -> SSLClient? {
        sslClients[id] ?? (isKnownEmpty ? SSLClient(phase: .initial) : nil)
    }

    func socket(_ id: Int64) -> SocketState? {
        sockets[id] ?? (isKnownEmpty ? SocketState(phase: .initial) : nil)
    }

    /// The value of an SSL context setting (`seclevel`, `cacert`, …) if the capture set it.
    func sslSetting(_ keyword: String, context: Int64) -> (values: [ATParameter], evidence: Evidence)? {
        sslSettings[context]?[keyword]
    }

    func sslIntegerSetting(_ keyword: String, context: Int64) -> Int64? {
        sslSetting(keyword, context: context)?.values.first?.integer
    }
}
