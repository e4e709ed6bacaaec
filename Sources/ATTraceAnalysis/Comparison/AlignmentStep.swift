/// One decision of the ``SequenceAligner`` (Docs/Diff.md "Alignment"), in the order of the
/// sequences: two elements paired, or one element that has no partner in the other sequence.
public enum AlignmentStep<Element: Sendable>: Sendable {
    /// `a` and `b` stand for the same command. `isReordered` is set when the pair crosses
    /// other pairs (the command moved relative to its neighbours).
    case pair(Element, Element, match: AlignmentMatch, isReordered: Bool)
    /// Only the first sequence has this element.
    case onlyInA(Element)
    /// Only the second sequence has this element.
    case onlyInB(Element)
}

/// How strongly the two elements of an aligned pair agree (Docs/Diff.md "Alignment").
public enum AlignmentMatch: String, Hashable, Sendable {
    /// Same exact key: the same command line.
    case exact
    /// Same loose key only: the same command name and form, different parameters.
    case loose
}
