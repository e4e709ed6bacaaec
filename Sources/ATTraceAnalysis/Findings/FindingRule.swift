/// One entry of the findings registry: an id, its severity and what it means.
public struct FindingRule: Hashable, Sendable {
    public var id: FindingID
    public var severity: Severity
    /// One line: what happened.
    public var meaning: String
    /// Where the rule comes from (spec section).
    public var source: String

    public init(_ id: FindingID, _ severity: Severity, _ meaning: String, source: String) {
        self.id = id
        self.severity = severity
        self.meaning = meaning
        self.source = source
    }
}
