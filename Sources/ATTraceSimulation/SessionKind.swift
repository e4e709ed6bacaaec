/// The kinds of session ``SessionSimulator`` strings together (reference/formats.md §7.1,
/// extended with the other data paths of quectel-ssl.md §3 and catalog.md §3).
public enum SessionKind: String, Hashable, Sendable, CaseIterable {
    /// SSL in buffer access mode: `AT+QSSLSEND`, `"recv"` URC, `AT+QSSLRECV` (quectel-ssl.md §3.2).
    case sslBuffer = "ssl-buffer"
    /// SSL in direct push mode: data inside `+QSSLURC: "recv",<id>,<n>` (quectel-ssl.md §3.3).
    case sslDirectPush = "ssl-direct-push"
    /// SSL in transparent mode: `CONNECT`, raw data both ways, `+++` (quectel-ssl.md §3.4).
    case sslTransparent = "ssl-transparent"
    /// TCP in buffer mode: `AT+QIOPEN`, `AT+QISEND`, `AT+QIRD` (catalog.md §3.2).
    case tcpBuffer = "tcp-buffer"
    /// HTTP GET and read: `AT+QHTTPURL`, `AT+QHTTPGET`, `AT+QHTTPREAD` (catalog.md §3.5).
    case httpGet = "http-get"
}
