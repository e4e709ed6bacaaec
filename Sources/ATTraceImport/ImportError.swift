/// Why a field log cannot be imported at all (each prints as one line). Damage inside a
/// log is never an error: it becomes diagnostics.
public enum ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `--from` names no dialect.
    case unknownDialect(String)
    /// No importer recognises the first lines.
    case unrecognized(name: String)
    /// The `regex` dialect was chosen without `--pattern`.
    case missingPattern
    /// The pattern does not compile, or lacks the `data` group.
    case invalidPattern(String)
    /// `--time-format` cannot be used.
    case invalidTimeFormat(String)

    public var description: String {
        switch self {
        case .unknownDialect(let id):
            "unknown dialect '\(id)'; known: \(Self.dialectList)"
        case .unrecognized(let name):
            "\(name) is not a capture and no log dialect recognises its first lines; "
                + "give one with --from (\(Self.dialectList))"
        case .missingPattern:
            "the regex dialect needs --pattern with named groups dir, time and data"
        case .invalidPattern(let reason):
            "invalid --pattern: \(reason)"
        case .invalidTimeFormat(let reason):
            "invalid --time-format: \(reason)"
        }
    }

    /// Every id `--from` accepts.
    public static var dialectList: String {
        (["pcap", "attrace-script"] + LogDialect.allCases.map(\.id)).joined(separator: ", ")
    }
}
