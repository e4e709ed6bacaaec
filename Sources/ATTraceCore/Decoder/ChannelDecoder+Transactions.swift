/// Finishing transactions: the final result, asynchronous results to expect afterwards,
/// and settings that change how later traffic looks (ATV0).
extension ChannelDecoder {
    mutating func completeTransaction(at index: Int, final: FinalResult?, status: Transaction.Status) {
        let done = pending.remove(at: index)
        done.storage.fields.final = final
        done.storage.fields.status = status
        if let final {
            if let end = done.storage.fields.end {
                if final.time > end { done.storage.fields.end = final.time }
            } else {
                done.storage.fields.end = final.time
            }
        } else if status == .unanswered {
            done.storage.fields.end = nil
        }
        // A prompt that never got its payload leaves the host in command mode.
        switch hostState {
        case .payload(let payload) where payload.owner == done.id, .upload(let payload) where payload.owner == done.id:
            hostState = .command
        default:
            break
        }
        // A counted block still being read for this transaction stays in `modemState`: it is
        // read to its end and reported as belonging to the ended transaction.

        if let final {
            if done.shape.hasAsynchronousResults {
                registerAsyncResults(for: done, final: final.code)
            }
            if final.code == .ok {
                for effect in done.shape.effects {
                    switch effect {
                    case .numericResults(let isNumeric): numericResults = isNumeric
                    case .multiplexing: multiplexedBy = done.id
                    case .escapeGuardTime(let time): escapeGuardTime = time
                    case .factoryDefaults:
                        numericResults = false
                        escapeGuardTime = EscapeGuard.defaultGuardTime
                    }
                }
            }
        }
        let transaction = Transaction(storage: done.storage)
        // Few commands change deadlines: the others skip the name tests.
        if done.shape.informsDeadlines {
            deadlines.observe(transaction)
        }
        emit(.transaction(transaction))
    }

    private mutating func registerAsyncResults(for done: PendingTransaction, final: ResultCode) {
        guard let spec = done.spec, done.storage.fields.form == .write || done.storage.fields.form == .exec else { return }
        for result in spec.asyncResults where result.afterFinal.contains(final) {
            let key = result.commandKey.flatMap { done.effectiveCommands.first?.parameter($0)?.text }
            // A newer command for the same target replaces an older expectation.
            awaits.removeAll(where: { $0.result.urc == result.urc && $0.key == key && $0.result.subtype == result.subtype })
            awaits.append(AsyncAwait(result: result, transaction: done.id, key: key))
        }
        if awaits.count > 64 { awaits.removeFirst(awaits.count - 64) }
    }
}
