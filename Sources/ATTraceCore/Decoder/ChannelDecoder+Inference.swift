/// Direction inference for records without a direction tag (product.md §3): command lines
/// (`AT` prefix) are the host's unless they repeat a pending command (echo); `<CR><LF>`-
/// framed lines, result codes and the `> ` prompt are the module's; payload bytes go to
/// whichever side the session expects (after a prompt: host; after `+QSSLRECV: n`: module).
/// Attributed bytes keep their records' times and are marked inferred in the output.
extension ChannelDecoder {
    mutating func stepUnknown(force: Bool, nextID: inout Int) -> Bool {
        guard !unknown.isEmpty, let decision = decideUnknown(force: force), decision.length > 0 else {
            return false
        }
        switchSegment(to: decision.direction, nextID: &nextID)
        if decision.direction == .host {
            unknown.move(decision.length, to: &host)
        } else {
            unknown.move(decision.length, to: &modem)
        }
        // The resolver has seen where this token ends, so the target need not wait for a
        // byte that might continue it (the line-end lookahead).
        if decision.isComplete {
            if decision.direction == .host { hostSegmentOpen = false } else { modemSegmentOpen = false }
        }
        return true
    }

    private struct Attribution {
        var direction: Direction
        var length: Int
        /// The piece ends a token (a whole line, a whole payload).
        var isComplete: Bool
    }

    /// The offset of the `<CR><LF>` that opens the first complete `<CR><LF>`-framed final
    /// result line among the unattributed bytes.
    private func firstFramedFinalResult() -> Int? {
        var index = 0
        while index + 1 < unknown.count {
            if unknown[index] == Self.carriageReturn && unknown[index + 1] == Self.lineFeed,
               let end = unknown.firstLineEnd(from: index + 2), end > index + 2,
               ResultCode.verbose(unknown.bytes((index + 2)..<end)) != nil {
                return index
            }
            index += 1
        }
        return nil
    }

    private func decideUnknown(force: Bool) -> Attribution? {
        switch hostState {
        case .payload(let payload), .upload(let payload):
            if let fixed = payload.fixedLength {
                let remaining = fixed - payload.builder.length
                return Attribution(direction: .host, length: Swift.min(remaining, unknown.count),
                                   isComplete: unknown.count >= remaining)
            }
            if let terminator = unknown.firstIndex(of: Self.ctrlZ, or: Self.escape, from: 0) {
                return Attribution(direction: .host, length: terminator + 1, isComplete: true)
            }
            // A pasted log shows no Ctrl+Z: the module's framed final result (`SEND OK`)
            // ends the payload instead of becoming part of it.
            switch firstFramedFinalResult() {
            case 0?:
                break // the answer itself: read as module lines below
            case let answer?:
                return Attribution(direction: .host, length: answer, isComplete: true)
            case nil:
                return Attribution(direction: .host, length: unknown.count, isComplete: force)
            }
        case .command, .data:
            break
        }
        switch modemState {
        case .counted(let payload):
            // The block and the <CR><LF> that may follow it (see `countedStep`).
            let wanted = payload.remaining + 2
            return Attribution(direction: .modem, length: Swift.min(wanted, unknown.count),
                               isComplete: force || unknown.count >= wanted)
        case .download, .followingLine, .data:
            return Attribution(direction: .modem, length: unknown.count, isComplete: force)
        case .lines:
            break
        }
        var start = 0
        while start < unknown.count, Self.isLineEnd(unknown[start]) { start += 1 }
        if start == unknown.count {
            return force ? Attribution(direction: .modem, length: unknown.count, isComplete: true) : nil
        }
        if unknown[start] == UInt8(ascii: ">"),
           pending.contains(where: { $0.promptPayload != nil && $0.storage.fields.promptTime == nil }) {
            var length = start + 1
            if length < unknown.count {
                if unknown[length] == 0x20 { length += 1 }
            } else if !force {
                return nil
            }
            return Attribution(direction: .modem, length: length, isComplete: true)
        }
        var end = unknown.firstLineEnd(from: start)
        if end == nil {
            guard force else { return nil }
            end = unknown.count
        }
        let lineEnd = end!
        var total = Swift.min(lineEnd + 1, unknown.count)
        if lineEnd < unknown.count, unknown[lineEnd] == Self.carriageReturn {
            if lineEnd + 1 < unknown.count {
                if unknown[lineEnd + 1] == Self.lineFeed { total = lineEnd + 2 }
            } else if !force {
                return nil
            }
        }
        let content = unknown.bytes(start..<lineEnd)
        let isCommand = Self.startsWithAT(content)
            || (content.count == 2 && CommandLineParser.upper(content.first!) == UInt8(ascii: "A")
                && content.last == UInt8(ascii: "/"))
        if isCommand {
            let isEcho = pending.contains(where: { $0.echo == .expected && $0.echoStarts(with: content) })
            return Attribution(direction: isEcho ? .modem : .host, length: total, isComplete: true)
        }
        return Attribution(direction: .modem, length: total, isComplete: true)
    }
}
