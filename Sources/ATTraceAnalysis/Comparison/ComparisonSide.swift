/// The two captures of a comparison (Docs/Diff.md): `a` is the reference (the field
/// capture, the recording being replayed, the firmware before a change), `b` the capture
/// compared with it.
public enum ComparisonSide: String, Hashable, Sendable, CaseIterable {
    case a
    case b

    /// The other capture.
    public var other: ComparisonSide {
        switch self {
        case .a: .b
        case .b: .a
        }
    }
}
