import ATTraceCore

extension Finding {
    /// A place in the capture a finding can point at when it is not a transaction.
    struct Location {
        var time: Timestamp
        var frame: Int
        var transaction: Int?

        init(evidence: Evidence) {
            self.time = evidence.time
            self.frame = evidence.frame
            self.transaction = evidence.transaction
        }
    }
}
