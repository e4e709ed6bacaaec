/// A stable finding id such as `ssl.open-failed` (product.md §4). Ids are never renamed;
/// new ones are added with an entry in ``FindingRegistry`` and in Docs/Findings.md.
public struct FindingID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: FindingID, rhs: FindingID) -> Bool { lhs.rawValue < rhs.rawValue }

    // Timing
    public static let timeoutFinal = FindingID("timeout.final")
    public static let timeoutUnanswered = FindingID("timeout.unanswered")
    public static let timeoutURC = FindingID("timeout.urc")
    // Results
    public static let resultError = FindingID("result.error")
    public static let resultSendFail = FindingID("result.send-fail")
    // SSL
    public static let sslOpenFailed = FindingID("ssl.open-failed")
    public static let sslClosedByPeer = FindingID("ssl.closed-by-peer")
    public static let sslCloseMissing = FindingID("ssl.close-missing")
    public static let sslNotConnected = FindingID("ssl.not-connected")
    public static let sslClientInUse = FindingID("ssl.client-in-use")
    public static let sslRecvWrongMode = FindingID("ssl.recv-wrong-mode")
    public static let sslUnreadData = FindingID("ssl.unread-data")
    public static let sslContextIncomplete = FindingID("ssl.context-incomplete")
    public static let sslATONoConnection = FindingID("ssl.ato-no-connection")
    public static let sslCloseIdle = FindingID("ssl.close-idle")
    public static let sslModeMismatch = FindingID("ssl.mode-mismatch")
    public static let sslOrphanURC = FindingID("ssl.orphan-urc")
    public static let sslStateMismatch = FindingID("ssl.state-mismatch")
    public static let sslCipherNotInNote = FindingID("ssl.cipher-not-in-note")
    // TCP/IP
    public static let tcpOpenFailed = FindingID("tcp.open-failed")
    public static let tcpClosedByPeer = FindingID("tcp.closed-by-peer")
    public static let tcpCloseMissing = FindingID("tcp.close-missing")
    public static let tcpNotConnected = FindingID("tcp.not-connected")
    public static let tcpSocketInUse = FindingID("tcp.socket-in-use")
    // PDP
    public static let pdpNotActive = FindingID("pdp.not-active")
    public static let pdpDeactivated = FindingID("pdp.deactivated")
    public static let pdpDeactivateWithOpenSSL = FindingID("pdp.deact-with-open-ssl")
    // MQTT and HTTP
    public static let mqttOpenFailed = FindingID("mqtt.open-failed")
    public static let mqttConnectFailed = FindingID("mqtt.connect-failed")
    public static let mqttLinkLost = FindingID("mqtt.link-lost")
    public static let mqttSendFailed = FindingID("mqtt.send-failed")
    public static let httpRequestFailed = FindingID("http.request-failed")
    public static let httpStatus = FindingID("http.status")
    // Data
    public static let dataLengthMismatch = FindingID("data.length-mismatch")
    public static let dataTooLong = FindingID("data.too-long")
    public static let dataCancelled = FindingID("data.cancelled")
    public static let dataEscapeGuard = FindingID("data.escape-guard")
    public static let dataCarrierLost = FindingID("data.carrier-lost")
    public static let dataDTRWithoutD1 = FindingID("data.dtr-without-d1")
    // AT syntax
    public static let atPipelined = FindingID("at.pipelined")
    public static let atParamRange = FindingID("at.param-range")
    public static let atSyntax = FindingID("at.syntax")
    public static let atUnknownCommand = FindingID("at.unknown-command")
    // Module and capture
    public static let modemRestart = FindingID("modem.restart")
    public static let captureTruncated = FindingID("capture.truncated")
    public static let captureUndecodable = FindingID("capture.undecodable")
    public static let captureUnexpected = FindingID("capture.unexpected")
}
