import ATTraceCore

/// The commands whose effects the analyzer's rules follow (product.md §4).
enum FollowedCommand: Sendable {
    case sslOpen, sslSend, sslReceive, sslClose, sslConfiguration, sslState
    case socketOpen, socketSend, socketRead, socketClose, socketError, switchMode
    case pdpActivation, pdpDeactivation, packetDomainActivation, pdpConfiguration, dnsConfiguration
    case resume, dtrMode, clock, fileUpload, dial

    /// The command named `name` (canonical, `AT+QSSLOPEN`), if the rules follow it.
    init?(_ name: String) {
        switch name {
        case "AT+QSSLOPEN": self = .sslOpen
        case "AT+QSSLSEND": self = .sslSend
        case "AT+QSSLRECV": self = .sslReceive
        case "AT+QSSLCLOSE": self = .sslClose
        case "AT+QSSLCFG": self = .sslConfiguration
        case "AT+QSSLSTATE": self = .sslState
        case "AT+QIOPEN": self = .socketOpen
        case "AT+QISEND": self = .socketSend
        case "AT+QIRD": self = .socketRead
        case "AT+QICLOSE": self = .socketClose
        case "AT+QIGETERROR": self = .socketError
        case "AT+QISWTMD": self = .switchMode
        case "AT+QIACT": self = .pdpActivation
        case "AT+QIDEACT": self = .pdpDeactivation
        case "AT+CGACT": self = .packetDomainActivation
        case "AT+QICSGP": self = .pdpConfiguration
        case "AT+QIDNSCFG": self = .dnsConfiguration
        case "ATO": self = .resume
        case "AT&D": self = .dtrMode
        case "AT+CCLK": self = .clock
        case "AT+QFUPL": self = .fileUpload
        case "ATD": self = .dial
        default: return nil
        }
    }
}

/// What the analyzer needs to know of a command name, found by one hashed lookup (the byte
/// hash of ``NameTable``): every transaction is dispatched twice (when sent and when
/// completed) and several rules ask for its spec, and most commands are none of the
/// followed ones.
struct CommandFacts: Sendable {
    var followed: FollowedCommand?
    var spec: CommandSpec?

    /// The facts of every command of `catalog`, by name.
    static func table(_ catalog: CommandCatalog) -> NameTable<CommandFacts> {
        NameTable(catalog.commands.map { name, spec in
            (name: name, value: CommandFacts(followed: FollowedCommand(name), spec: spec))
        })
    }
}
