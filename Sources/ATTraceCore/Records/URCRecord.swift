/// An unsolicited result code (product.md §2.1 `urc`).
public struct URCRecord: Hashable, Sendable {
    public var channel: UInt32
    /// `+QSSLURC`, or the whole line for prefix-less codes (`RDY`).
    public var name: String
    /// The line without framing.
    public var text: [UInt8]
    public var time: Timestamp
    public var frame: Int
    /// A second line that belongs to the URC (`+CMT` messages), if any.
    public var followingLine: [UInt8]?
    /// Direct-push data (`+QSSLURC: "recv",<id>,<n>` + n bytes).
    public var payload: Payload?
    /// The command this URC answers asynchronously (`+QSSLOPEN: 4,0` → the `AT+QSSLOPEN`).
    public var transaction: Int?
    /// The transaction that was pending when the URC arrived (the URC interrupted it).
    public var duringTransaction: Int?
    /// `true` when the catalog knows the URC.
    public var isKnown: Bool
    public var hasInferredDirection: Bool
    public var modemByteCount: Int

    public init(channel: UInt32, name: String, text: [UInt8], time: Timestamp, frame: Int,
                isKnown: Bool, modemByteCount: Int) {
        self.channel = channel
        self.name = name
        self.text = text
        self.time = time
        self.frame = frame
        self.isKnown = isKnown
        self.hasInferredDirection = false
        self.modemByteCount = modemByteCount
    }

    /// The line split into prefix and fields.
    public var parsed: ResponseLine { ResponseLine(text) }
}
