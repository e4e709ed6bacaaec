import ATTraceCore

/// The numbers of a comparison (Docs/Diff.md "Summary"): what each capture held, how much
/// was aligned, and each kind of difference counted.
public struct ComparisonSummary: Hashable, Sendable {
    /// Transactions read from each capture.
    public var transactionsA = 0
    public var transactionsB = 0
    /// URCs read from each capture.
    public var urcsA = 0
    public var urcsB = 0
    /// Findings the analyzer raised in each capture.
    public var findingsA = 0
    public var findingsB = 0
    /// Time from the first to the last record of each capture.
    public var durationA = Duration.zero
    public var durationB = Duration.zero
    /// Pairs of transactions aligned with each other.
    public var aligned = 0
    /// Aligned pairs without any (reported) difference.
    public var identical = 0
    /// Differences of each kind (ignored kinds are not counted).
    public var counts: [DifferenceKind: Int] = [:]

    public init() {}

    /// All differences.
    public var total: Int { counts.values.reduce(0, +) }

    public var hasDifferences: Bool { total > 0 }

    public func count(_ kind: DifferenceKind) -> Int { counts[kind] ?? 0 }

    public func transactions(_ side: ComparisonSide) -> Int {
        switch side {
        case .a: transactionsA
        case .b: transactionsB
        }
    }
}
