import ATTraceCore

/// One way in which an aligned pair of transactions, an unmatched transaction or the
/// captures as a whole differ (Docs/Diff.md "What is compared").
public enum Difference: Hashable, Sendable {
    /// The transaction exists only in one capture.
    case onlyIn(ComparisonSide)
    /// The command lines differ (the pair was aligned by name and form).
    case command
    /// The pair crosses other pairs: the command moved.
    case order
    /// The final result line or the status differs; the transactions hold both.
    case final
    /// The information responses differ: the lines only one side has, in order.
    case responses([LineChange])
    /// A payload differs: `tx` (host) or `rx` (module); `nil` where a side has none.
    case payload(PayloadDirection, a: PayloadDigest?, b: PayloadDigest?)
    /// The latency changed by more than the threshold.
    case latency(a: Duration, b: Duration)
    /// URCs whose counts differ.
    case urcs([URCCount])
    /// A rule raised a different number of times.
    case finding(FindingDifference)

    public var kind: DifferenceKind {
        switch self {
        case .onlyIn(.a): .onlyInA
        case .onlyIn(.b): .onlyInB
        case .command: .command
        case .order: .order
        case .final: .final
        case .responses: .responses
        case .payload(.tx, _, _): .tx
        case .payload(.rx, _, _): .rx
        case .latency: .latency
        case .urcs: .urcs
        case .finding: .finding
        }
    }

    /// Which payload of a transaction.
    public enum PayloadDirection: String, Hashable, Sendable {
        /// Sent by the host after `> ` or `CONNECT`.
        case tx
        /// Counted data in the module's answer.
        case rx
    }

    /// A response line that only one side has.
    public struct LineChange: Hashable, Sendable {
        public var side: ComparisonSide
        public var text: [UInt8]

        public init(side: ComparisonSide, text: [UInt8]) {
            self.side = side
            self.text = text
        }
    }

    /// A payload by length and digest (Docs/Diff.md "Payloads").
    public struct PayloadDigest: Hashable, Sendable {
        /// Bytes on the wire.
        public var length: Int
        /// Bytes the decoder kept (``Payload/storageLimit``); the digest covers these.
        public var stored: Int
        /// SHA-256 of the stored bytes.
        public var sha256: [UInt8]
        public var end: Payload.End

        public init(_ payload: Payload) {
            length = payload.length
            stored = payload.bytes.count
            sha256 = SHA256.hash(payload.bytes)
            end = payload.end
        }

        /// `true` when the digest covers only the first bytes of a longer payload.
        public var isPartial: Bool { stored < length }
    }

    /// A URC (by name, or by text for an asynchronous result) and how often each side had it.
    public struct URCCount: Hashable, Sendable {
        public var urc: [UInt8]
        public var a: Int
        public var b: Int

        public init(urc: [UInt8], a: Int, b: Int) {
            self.urc = urc
            self.a = a
            self.b = b
        }
    }

    /// A rule raised `a` times in the first capture and `b` times in the second, for this
    /// pair or, in a capture-level entry, outside any compared pair.
    public struct FindingDifference: Hashable, Sendable {
        public var rule: FindingID
        public var a: Int
        public var b: Int
        /// One of the findings, from the side that has more.
        public var example: Finding

        public init(rule: FindingID, a: Int, b: Int, example: Finding) {
            self.rule = rule
            self.a = a
            self.b = b
            self.example = example
        }

        /// The side that raised the rule more often.
        public var side: ComparisonSide { a > b ? .a : .b }
    }
}
