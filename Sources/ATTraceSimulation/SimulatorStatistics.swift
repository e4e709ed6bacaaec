/// Counters of what a ``SessionSimulator`` produced, for benchmark reports and tests
/// (reference/formats.md §7.1 lists the proportions they check).
///
/// Record and byte counts cover the records returned by `next()`; session and event counts
/// cover the sessions generated so far (a session is generated whole, so its last records
/// may still be waiting to be returned).
public struct SimulatorStatistics: Hashable, Sendable {
    /// Records returned by `next()`.
    public var records = 0
    /// Serial bytes in the returned records, per side.
    public var hostBytes = 0
    public var modemBytes = 0
    /// Sessions generated, per kind (indexed by `SessionKind.allCases` order).
    public private(set) var sessionCounts = [Int](repeating: 0, count: SessionKind.allCases.count)
    /// Sessions that ran with command echo on (ATE1).
    public var echoSessions = 0
    /// Command lines the host sent.
    public var commands = 0
    /// Unsolicited result codes the module sent.
    public var unsolicitedResults = 0
    /// Module responses delivered in two reads instead of one.
    public var splitResponses = 0
    /// Host payloads written in two chunks.
    public var splitPayloads = 0
    /// `+CME ERROR` answers to `AT+QIACT` (the session ends there).
    public var activationErrors = 0
    /// `+QSSLOPEN: <id>,<err>` results with err ≠ 0.
    public var openFailures = 0
    /// `SEND FAIL` results.
    public var sendFailures = 0
    /// Transparent sessions ended by `NO CARRIER` instead of `+++`.
    public var carrierLosses = 0
    /// `"closed"` URCs (peer close or PDP deactivation).
    public var peerCloses = 0

    public init() {}

    /// Sessions of one kind generated so far.
    public func sessions(_ kind: SessionKind) -> Int {
        sessionCounts[Self.index(of: kind)]
    }

    /// All sessions generated so far.
    public var totalSessions: Int {
        sessionCounts.reduce(0, +)
    }

    /// All serial bytes returned so far.
    public var serialBytes: Int {
        hostBytes + modemBytes
    }

    mutating func countSession(_ kind: SessionKind) {
        sessionCounts[Self.index(of: kind)] += 1
    }

    private static func index(of kind: SessionKind) -> Int {
        switch kind {
        case .sslBuffer: 0
        case .sslDirectPush: 1
        case .sslTransparent: 2
        case .tcpBuffer: 3
        case .httpGet: 4
        }
    }
}
