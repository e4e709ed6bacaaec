import ATTraceCore

/// The state of one SSL client id (quectel-ssl.md §8.1). A client the capture has not
/// mentioned is absent from ``ModuleState/sslClients``: its state predates the capture and
/// is unknown, so no rule may call it wrong.
struct SSLClient: Sendable {
    enum Phase: String, Sendable {
        /// No connection (state 0).
        case initial
        /// `AT+QSSLOPEN` sent, no final result yet.
        case openSent
        /// `OK` seen, waiting for `+QSSLOPEN: <id>,<err>` (state 1).
        case opening
        /// Buffer or direct-push connection (state 2).
        case connected
        /// Transparent connection, port in data mode.
        case online
        /// Transparent connection whose port left data mode by `+++` or DTR.
        case suspended
        /// `+QSSLURC: "closed"` or `NO CARRIER`: waiting for `AT+QSSLCLOSE` (state 4).
        case closing
        /// `AT+QSSLCLOSE` sent, no final result yet.
        case closeSent

        /// The `<socket_state>` of `+QSSLSTATE` this phase corresponds to.
        var reportedState: Int64 {
            switch self {
            case .initial: 0
            case .openSent, .opening: 1
            case .connected, .online, .suspended: 2
            case .closing, .closeSent: 4
            }
        }

        var isInUse: Bool {
            switch self {
            case .initial: false
            case .openSent, .opening, .connected, .online, .suspended, .closing, .closeSent: true
            }
        }

        var isConnected: Bool {
            switch self {
            case .connected, .online, .suspended: true
            case .initial, .openSent, .opening, .closing, .closeSent: false
            }
        }
    }

    var phase: Phase
    /// Access mode: 0 buffer, 1 direct push, 2 transparent.
    var mode: Int64?
    var context: Int64?
    var pdpContext: Int64?
    var server: String?
    var openedBy: Evidence?
    /// The command line that opened it, for findings about the open.
    var openCommand: [UInt8]?
    /// The `"closed"` URC (or `NO CARRIER`) that put the client in `closing`.
    var closedBy: Evidence?
    /// A buffer-mode `"recv"` URC not yet read.
    var unreadSince: Evidence?
    /// The phase before `AT+QSSLCLOSE`, restored when the close fails.
    var phaseBeforeClose: Phase?
    /// A `"recv"` URC arrived after the transparent connection was escaped.
    var receivedAfterEscape = false

    init(phase: Phase) {
        self.phase = phase
    }
}

/// The state of one TCP/UDP socket (`AT+QIOPEN` connect id), tracked like an SSL client.
typealias SocketState = SSLClient
