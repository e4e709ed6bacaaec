/// The proportions ``SessionSimulator`` draws its traffic from (reference/formats.md §7.1).
///
/// Defaults follow the earlier generator: echo in 30 % of sessions, 30 % of payloads in two
/// chunks, 3 % `+CME ERROR` on activation, 5 % failed opens, 1 % `SEND FAIL`; responses split
/// over two reads in 5–30 % of cases depending on the session (the generator used 5 %).
/// Probabilities are per mille.
public struct SimulatorConfiguration: Hashable, Sendable {
    /// Sessions that run with command echo on (ATE1).
    public var echoPerMille = 300
    /// Each session draws its share of module responses delivered in two reads from this
    /// range, so some captures look like a fast reader and some like a slow one.
    public var splitResponsePerMille: ClosedRange<Int> = 50...300
    /// Host payloads written in two chunks.
    public var splitPayloadPerMille = 300
    /// `AT+QIACT` answered `+CME ERROR`.
    public var activationErrorPerMille = 30
    /// SSL opens whose result is `+QSSLOPEN: <id>,566|552|553`.
    public var openFailurePerMille = 50
    /// Sends answered `SEND FAIL`.
    public var sendFailurePerMille = 10
    /// Relative weights of the session kinds; a kind left out never occurs.
    public var sessionWeights: [SessionKind: Int] = [
        .sslBuffer: 50, .sslDirectPush: 15, .sslTransparent: 15, .tcpBuffer: 12, .httpGet: 8,
    ]
    /// Serial line speed, for the time bytes take on the wire (8N1: 10 bits a byte).
    public var baudRate = 115_200

    public init() {}

    /// The mix the benchmark uses.
    public static let standard = SimulatorConfiguration()
}
