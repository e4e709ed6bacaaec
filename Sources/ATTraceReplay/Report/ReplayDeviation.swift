import ATTraceCore

/// One way the host did not follow the recording (issue 5 §1: "mismatches with what the
/// host sent instead").
public struct ReplayDeviation: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// A command line that matches no command of the recording ahead.
        case unexpectedCommand = "unexpected-command"
        /// A command matched by name and form only: its line differs from the recording's.
        case differentLine = "different-line"
        /// A recorded command passed over because the host matched a later one.
        case skippedCommand = "skipped-command"
        /// A payload whose bytes or end differ from the recording's.
        case differentPayload = "different-payload"
        /// CMUX frames (one recorded host record's worth of bytes) that differ from the
        /// recording's.
        case differentFrames = "different-frames"
        /// A `+++` escape where the recording has none.
        case unexpectedEscape = "unexpected-escape"
        /// A recorded command the host never sent (the replay ended first).
        case notReached = "not-reached"
        /// A recorded command the live module never answered within its maximum response
        /// time, or recorded frames it did not answer with as many bytes in time (host side).
        case unanswered
    }

    public var kind: Kind
    /// What the recording has there (a command line, a payload summary).
    public var expected: String?
    /// What the host sent instead.
    public var received: String?
    /// The original capture's transaction id, where there is one.
    public var transaction: Int?
    public var time: Timestamp?

    public init(kind: Kind, expected: String?, received: String?, transaction: Int?, time: Timestamp?) {
        self.kind = kind
        self.expected = expected
        self.received = received
        self.transaction = transaction
        self.time = time
    }
}
