import ATTraceCore

/// Where in the capture a fact was seen, for messages that point at evidence
/// ("PDP context 1 was activated at 12.3 s by #4").
struct Evidence: Hashable, Sendable {
    var time: Timestamp
    var frame: Int
    var transaction: Int?
}
