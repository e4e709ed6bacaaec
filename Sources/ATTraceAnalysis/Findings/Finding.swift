import ATTraceCore

/// One result of the analysis (product.md §2.2): a rule, where in the capture, and a message
/// in words a field engineer understands, pointing at evidence.
public struct Finding: Hashable, Sendable {
    public var rule: FindingID
    public var severity: Severity
    public var time: Timestamp?
    public var frame: Int
    public var message: String
    /// The transaction it points at (product.md §7.9).
    public var transaction: Int?
    /// The command line of that transaction, for display.
    public var commandLine: [UInt8]?
    public var client: Int?
    public var context: Int?
    public var channel: UInt32

    public init(_ rule: FindingID, time: Timestamp?, frame: Int, message: String, transaction: Int? = nil,
                commandLine: [UInt8]? = nil, client: Int? = nil, context: Int? = nil, channel: UInt32 = 0,
                severity: Severity? = nil) {
        self.rule = rule
        self.severity = severity ?? FindingRegistry.rule(rule).severity
        self.time = time
        self.frame = frame
        self.message = message
        self.transaction = transaction
        self.commandLine = commandLine
        self.client = client
        self.context = context
        self.channel = channel
    }
}
