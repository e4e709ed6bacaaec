import ATTraceCore

/// Asynchronous results that must follow a command's final result within a deadline
/// (`timeout.urc`; product.md §4, §7.9, §7.10): `+QSSLOPEN` within 150 s + negotiatetime,
/// `+QIOPEN` within 150 s, `+QMTOPEN` within 75 s, … (the catalog's `asyncResults`).
extension Analyzer {
    /// `spec` is the first command's.
    mutating func registerExpectations(_ t: Transaction, spec: CommandSpec?) {
        guard let spec, !spec.asyncResults.isEmpty, let finalCode = t.finalCode,
              t.form == .write || t.form == .exec else { return }
        for result in spec.asyncResults where result.afterFinal.contains(finalCode) {
            guard let limit = deadlines.resolve(result.deadline, for: t.command) else { continue }
            let key = result.commandKey.flatMap { t.command.parameter($0)?.text }
            expectations.append(Expectation(
                urc: result.urc, subtype: result.subtype, key: key, keyField: result.resultKey,
                deadline: t.commandEnd.adding(limit), transaction: t,
                client: t.name == "AT+QSSLOPEN" ? t.command.integer(2) : (t.name == "AT+QIOPEN" ? t.command.integer(1) : nil)))
        }
    }

    mutating func fulfilExpectations(with u: URCRecord) {
        guard !expectations.isEmpty else { return }
        let parsed = u.parsed
        if let id = u.transaction, let index = expectations.firstIndex(where: { $0.transaction.id == id && $0.urc == u.name }) {
            expectations.remove(at: index)
            return
        }
        if let index = expectations.firstIndex(where: { expectation in
            guard expectation.urc == u.name else { return false }
            if let subtype = expectation.subtype, parsed.field(0)?.keyword != subtype { return false }
            if let key = expectation.key, let field = expectation.keyField, parsed.field(field)?.text != key { return false }
            return true
        }) {
            expectations.remove(at: index)
        }
    }

    mutating func raiseURCTimeout(_ expectation: Expectation) {
        let t = expectation.transaction
        let waited = expectation.deadline.since(t.commandEnd)
        var message = "\(expectation.urc)\(expectation.key.map { ": \($0),…" } ?? "") was due within \(Self.describe(waited)) "
            + "of \(t.commandText) and did not arrive"
        if t.name == "AT+QSSLOPEN" {
            let context = t.command.integer(1) ?? 0
            message += " (150 s + negotiatetime \(deadlines.negotiateTime(context: context)) s of SSL context \(context)); "
                + "the note says the host may then close the client with AT+QSSLCLOSE"
        }
        report(.timeoutURC, message, at: t, client: expectation.client, time: expectation.deadline)
    }
}
