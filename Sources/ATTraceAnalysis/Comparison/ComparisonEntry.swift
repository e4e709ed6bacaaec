import ATTraceCore

/// One step of a comparison with what differs in it (Docs/Diff.md): an aligned pair, a
/// transaction only one capture has, or, with neither, the captures as a whole (URCs
/// before the first command, findings that point at no compared transaction).
public struct ComparisonEntry: Hashable, Sendable {
    public var channel: UInt32
    public var a: Transaction?
    public var b: Transaction?
    /// How the pair was aligned; `nil` unless both transactions are present.
    public var match: AlignmentMatch?
    /// Empty for an identical pair (reported only with ``ComparisonOptions/reportsIdenticalPairs``).
    public var differences: [Difference]

    public init(channel: UInt32, a: Transaction?, b: Transaction?, match: AlignmentMatch?,
                differences: [Difference]) {
        self.channel = channel
        self.a = a
        self.b = b
        self.match = match
        self.differences = differences
    }

    /// An aligned pair (not an unmatched transaction, not a capture-level entry).
    public var isPair: Bool { a != nil && b != nil }
}
