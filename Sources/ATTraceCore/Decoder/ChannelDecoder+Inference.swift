/// Direction inference for records without a direction tag (product.md §3): command lines
/// (`AT` prefix) are the host's unless they repeat a pending command (echo); `<CR><LF>`-
/// framed lines, result codes and the `> ` prompt are the module's; payload bytes go to
/// whichever side the session expects (after a prompt: host; after `+QSSLRECV: n`: module).
/// Attributed bytes keep their records' times and are marked inferred in the output.
extension ChannelDecoder {
    mutating func stepUnknown(force: Bool, nextID: inout Int) -> Bool {
        guard !unknown.isEmpty, let (direction, length) = decideUnknown(force: force), length > 0 else {
            return false
        }
        switchSegment(to: direction, nextID: &nextID)
        if direction == .host {
            unknown.move(length, to: &host)
        } else {
            unknown.move(length, to: &modem)
        }
        return true
    }

    private func decideUnknown(force: Bool) -> (Direction, Int)? {
        switch hostState {
        case .payload(let payload), .upload(let payload):
            if let fixed = payload.fixedLength {
                return (.host, Swift.min(fixed - payload.builder.length, unknown.count))
            }
            if let terminator = unknown.firstIndex(of: Self.ctrlZ, or: Self.escape, from: 0) {
                return (.host, terminator + 1)
            }
            return (.host, unknown.count)
        case .command, .data:
            break
        }
        switch modemState {
        case .counted(let payload):
            // The block and the <CR><LF> that may follow it (see `countedStep`).
            return (.modem, Swift.min(payload.remaining + 2, unknown.count))
        case .download, .followingLine:
            return (.modem, unknown.count)
        case .data:
            return (.modem, unknown.count)
        case .lines:
            break
        }
        var start = 0
        while start < unknown.count, Self.isLineEnd(unknown[start]) { start += 1 }
        if start == unknown.count {
            return force ? (.modem, unknown.count) : nil
        }
        if unknown[start] == UInt8(ascii: ">"),
           pending.contains(where: { $0.promptPayload != nil && $0.transaction.promptTime == nil }) {
            var length = start + 1
            if length < unknown.count {
                if unknown[length] == 0x20 { length += 1 }
            } else if !force {
                return nil
            }
            return (.modem, length)
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
            let isEcho = pending.contains(where: { $0.echo == .expected
                && $0.echoBytes.count >= content.count && $0.echoBytes.starts(with: content)
                && ($0.echoBytes.count == content.count
                    || $0.echoBytes[content.count] == Self.carriageReturn) })
            return (isEcho ? .modem : .host, total)
        }
        return (.modem, total)
    }
}
