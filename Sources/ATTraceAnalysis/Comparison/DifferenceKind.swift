/// The kinds of difference a comparison reports (Docs/Diff.md "What is compared"). The raw
/// values are the stable `kind` strings of `attrace diff --format json`.
public enum DifferenceKind: String, Hashable, Sendable, CaseIterable, Comparable {
    /// A command only the first capture sent.
    case onlyInA = "only-in-a"
    /// A command only the second capture sent.
    case onlyInB = "only-in-b"
    /// Aligned by name and form, but the command lines differ (other parameters).
    case command
    /// The command moved relative to its neighbours.
    case order
    /// The final result line or the status differs.
    case final
    /// The information responses differ (line by line).
    case responses
    /// The host's payload differs (length or content).
    case tx
    /// The module's counted data differs (length or content).
    case rx
    /// The latency changed by more than the threshold.
    case latency
    /// The URCs around the command differ (by name, and by text for asynchronous results).
    case urcs
    /// A finding is raised in one capture and not in the other.
    case finding

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: DifferenceKind, rhs: DifferenceKind) -> Bool { lhs.rank < rhs.rank }
}
