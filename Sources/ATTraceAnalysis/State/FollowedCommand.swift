import ATTraceCore

/// The commands whose effects the analyzer's rules follow (product.md §4), recognised by one
/// hashed lookup of the name instead of a string comparison per rule: every transaction is
/// dispatched twice (when sent and when completed), and most are none of these.
enum FollowedCommand: Sendable {
    case sslOpen, sslSend, sslReceive, sslClose, sslConfiguration, sslState
    case socketOpen, socketSend, socketRead, socketClose, socketError, switchMode
    case pdpActivation, pdpDeactivation, packetDomainActivation, pdpConfiguration, dnsConfiguration
    case resume, dtrMode, clock, fileUpload, dial

    /// The command named `name` (canonical, `AT+QSSLOPEN`), if the rules follow it.
    init?(_ name: String) {
        guard let command = Self.names[name] else { return nil }
        self = command
    }

    private static let names = NameTable<FollowedCommand>([
        ("AT+QSSLOPEN", .sslOpen), ("AT+QSSLSEND", .sslSend), ("AT+QSSLRECV", .sslReceive),
        ("AT+QSSLCLOSE", .sslClose), ("AT+QSSLCFG", .sslConfiguration), ("AT+QSSLSTATE", .sslState),
        ("AT+QIOPEN", .socketOpen), ("AT+QISEND", .socketSend), ("AT+QIRD", .socketRead),
        ("AT+QICLOSE", .socketClose), ("AT+QIGETERROR", .socketError), ("AT+QISWTMD", .switchMode),
        ("AT+QIACT", .pdpActivation), ("AT+QIDEACT", .pdpDeactivation), ("AT+CGACT", .packetDomainActivation),
        ("AT+QICSGP", .pdpConfiguration), ("AT+QIDNSCFG", .dnsConfiguration),
        ("ATO", .resume), ("AT&D", .dtrMode), ("AT+CCLK", .clock), ("AT+QFUPL", .fileUpload), ("ATD", .dial),
    ])
}
