/// What the project knows about one unsolicited result code (reference/catalog.md §4;
/// quectel-ssl.md §7).
public final class URCSpec: Sendable {
    /// The prefix (`+QSSLURC`) or the whole line for prefix-less URCs (`RDY`).
    public let name: String
    public let summary: String
    public let source: String
    /// Counted data that follows the line (direct push).
    public let payload: URCPayloadRule?
    /// The next line belongs to the URC (`+CMT: …<CR><LF><pdu>`).
    public let hasFollowingLine: Bool
    /// The module restarted or powered down: every connection is gone (`RDY`).
    public let isRestart: Bool

    public init(_ name: String, _ summary: String, source: String, payload: URCPayloadRule? = nil,
                hasFollowingLine: Bool = false, isRestart: Bool = false) {
        self.name = name
        self.summary = summary
        self.source = source
        self.payload = payload
        self.hasFollowingLine = hasFollowingLine
        self.isRestart = isRestart
    }
}

/// A URC that announces counted binary data after its line
/// (`+QSSLURC: "recv",<id>,<len><CR><LF><data>`).
public struct URCPayloadRule: Hashable, Sendable {
    /// The type field that must match (`recv`).
    public var subtype: String
    /// The field holding the byte count (after the type field: `"recv",<id>,<len>` → 2).
    public var lengthField: Int

    public init(subtype: String, lengthField: Int) {
        self.subtype = subtype
        self.lengthField = lengthField
    }

    /// The announced length, if `line` has this shape.
    public func length(of line: ResponseLine) -> Int? {
        guard let type = line.field(0), type.keyword == subtype,
              line.fields.count > lengthField,
              let value = line.integer(lengthField), value >= 0, value <= Int64(Int32.max) else { return nil }
        return Int(value)
    }
}
