import ATTraceCore

/// A transaction as the comparison aligns it: with the URCs around it and the findings that
/// point at it (Docs/Diff.md "URCs", "Findings").
struct ComparedTransaction: Sendable {
    var transaction: Transaction
    var urcs = URCTally()
    var findings: [Finding] = []

    init(_ transaction: Transaction) {
        self.transaction = transaction
    }

    var id: Int { transaction.id }

    /// Bytes held for it: payloads and response lines (the aligner's window budget).
    var size: Int {
        var bytes = (transaction.tx?.bytes.count ?? 0) + (transaction.rx?.bytes.count ?? 0)
        for line in transaction.responses { bytes += line.text.count }
        return bytes + 64
    }
}
