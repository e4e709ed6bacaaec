/// Host side of a channel: command lines (V.250 §5.2: `AT…<CR>`, `a/`, LF after CR
/// ignored), payloads after a `> ` prompt, counted uploads after `CONNECT`
/// (product.md §3; quectel-ssl.md §5.3; reference/catalog.md §2).
extension ChannelDecoder {
    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A
    static let ctrlZ: UInt8 = 0x1A
    static let escape: UInt8 = 0x1B

    mutating func stepHost(nextID: inout Int) -> Bool {
        guard !host.isEmpty else { return false }
        switch hostState {
        case .command: return hostCommandStep(nextID: &nextID)
        case .payload(var payload):
            // The state is cleared while the payload grows, so its bytes are not shared (and
            // copied) on every append; the step puts it back.
            hostState = .command
            return hostPayloadStep(&payload, isUpload: false)
        case .upload(var payload):
            hostState = .command
            return hostPayloadStep(&payload, isUpload: true)
        case .data: return hostDataStep()
        }
    }

    // MARK: - Command lines

    @inline(__always)
    static func isHostFraming(_ byte: UInt8) -> Bool {
        byte == carriageReturn || byte == lineFeed || byte == 0x20 || byte == 0x09 || byte == 0x00
    }

    private mutating func hostCommandStep(nextID: inout Int) -> Bool {
        var start = 0
        while start < host.count, Self.isHostFraming(host[start]) { start += 1 }
        if start == host.count { return false }

        // `A/` repeats the previous line and needs no terminator (V.250 §5.2.4).
        if CommandLineParser.upper(host[start]) == UInt8(ascii: "A") {
            if start + 1 < host.count {
                if host[start + 1] == UInt8(ascii: "/") {
                    startTransaction(leading: start, lineEnd: start + 2, total: start + 2, isRepeat: true, nextID: &nextID)
                    return true
                }
            } else if hostSegmentOpen {
                return false
            }
        }

        guard let end = host.firstLineEnd(from: Swift.max(start, host.scanOffset)) else {
            if host.count - start > Self.maximumLineLength {
                hostDiagnostic(.overlongLine, length: host.count,
                               message: "host line longer than \(Self.maximumLineLength) bytes without a terminator")
                return true
            }
            host.scanOffset = host.count
            return false
        }
        var total = end + 1
        if host[end] == Self.carriageReturn {
            if end + 1 < host.count {
                if host[end + 1] == Self.lineFeed { total = end + 2 }
            } else if hostSegmentOpen {
                return false
            }
        }
        if Self.startsWithAT(host.bytes(start..<end)) {
            startTransaction(leading: start, lineEnd: end, total: total, isRepeat: false, nextID: &nextID)
        } else {
            hostDiagnostic(.hostGarbage, length: total,
                           message: "host bytes that are not an AT command line: \(Self.preview(host.bytes(start..<end)))")
        }
        return true
    }

    static func startsWithAT(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.count >= 2 else { return false }
        return CommandLineParser.upper(line[line.startIndex]) == UInt8(ascii: "A")
            && CommandLineParser.upper(line[line.startIndex + 1]) == UInt8(ascii: "T")
    }

    mutating func hostDiagnostic(_ code: DiagnosticCode, length: Int, message: String) {
        let (bytes, span) = host.take(length)
        lastHostByteTime = span.lastTime
        emit(.diagnostic(Diagnostic(code: code, message: message, time: span.firstTime, frame: span.firstFrame,
                                    channel: channel, direction: .host, bytes: bytes)))
    }

    /// Registers a command line: settles earlier pending commands (product.md §7.7),
    /// cuts a module payload that lied about its length (§7.8), and records what the
    /// command makes the module send.
    private mutating func startTransaction(leading: Int, lineEnd: Int, total: Int, isRepeat: Bool, nextID: inout Int) {
        // Hosts repeat lines (polls such as `AT+QSSLRECV=0,1500`): a recent equal line
        // shares its bytes, its parse and its shape instead of deriving them again.
        let entry = commandLines.entry(for: leading..<lineEnd, of: host, context: catalog) { line, catalog in
            CommandLineShape(commands: CommandLineParser.parse(line[...]), catalog: catalog)
        }
        let line = entry.bytes
        let lineShape = entry.value
        let firstMark = host.mark(at: leading)
        let terminatorMark = host.mark(at: Swift.max(leading, lineEnd - (isRepeat ? 1 : 0)))
        let echoTerminator: UInt8? = isRepeat || lineEnd >= total ? nil : host[lineEnd]
        let span = host.consume(total)
        lastHostByteTime = span.lastTime
        let commandEnd = terminatorMark.time

        // A module payload still arriving when the host moves on was shorter than declared.
        cutModemPayloadForHostCommand()
        // Settle what is still pending.
        var pipelinedAfter: Int?
        var index = 0
        while index < pending.count {
            // Fields read in place: a copy of the pending transaction costs more than the test.
            if pending[index].isCancelled {
                completeTransaction(at: index, final: nil, status: .cancelled)
                continue
            }
            if commandEnd.since(pending[index].storage.fields.latencyStart) > pending[index].deadline {
                pending[index].storage.fields.abandonment = .nextCommand(firstMark.time)
                completeTransaction(at: index, final: nil, status: .unanswered)
                continue
            }
            pipelinedAfter = pending[index].id
            index += 1
        }

        let shape: CommandLineShape
        if isRepeat {
            // `A/` behaves like the line it repeats.
            shape = CommandLineShape(repeating: lastShape, catalog: catalog)
        } else {
            shape = lineShape
            // A recurring line has the same shape object: nothing to store again.
            if lastShape !== shape {
                lastShape = shape
                lastCommandLine = line
            }
        }
        // The maximum response time under the deadlines in effect (a rule depends on them).
        let maximumResponseTime: Duration?
        switch shape.responseTime {
        case nil, .unspecified?: maximumResponseTime = nil
        case .fixed(let duration)?: maximumResponseTime = duration
        case .rule(let rule)?: maximumResponseTime = deadlines.resolve(.rule(rule), for: shape.timedCommand)
        }
        let transaction = Transaction.Fields(
            id: nextID, channel: channel, commandLine: line, commands: shape.commands,
            repeatedLine: isRepeat ? lastCommandLine : nil,
            start: firstMark.time, commandEnd: commandEnd, end: nil, final: nil, status: .unanswered,
            responses: [], hasEcho: false, promptTime: nil, tx: nil, rx: nil,
            firstFrame: span.firstFrame, lastFrame: span.lastFrame, pipelinedAfter: pipelinedAfter,
            abandonment: nil, maximumResponseTime: maximumResponseTime, hasInferredDirection: span.isInferred,
            hostByteCount: total, modemByteCount: 0)
        nextID += 1
        // A host that sends command after command that the module never answers (or a
        // damaged log that makes it look so) would make every later line scan an ever longer
        // list: beyond the bound the oldest unanswered command is given up (product.md §6).
        if pending.count >= Self.maximumPending {
            pending[0].storage.fields.abandonment = .nextCommand(firstMark.time)
            completeTransaction(at: 0, final: nil, status: .unanswered)
        }
        // Without a catalog bound, the generic watchdog decides when the command is given up.
        pending.append(PendingTransaction(storage: Transaction.Storage(transaction), shape: shape,
                                          echoTerminator: echoTerminator,
                                          echo: .expected, isCancelled: false,
                                          deadline: maximumResponseTime ?? DeadlineContext.genericWatchdog))
    }

    // MARK: - Payloads and uploads

    private mutating func hostPayloadStep(_ payload: inout HostPayload, isUpload: Bool) -> Bool {
        guard let index = pendingIndex(payload.owner) else {
            hostState = .command
            return true
        }
        if let fixed = payload.fixedLength {
            let take = Swift.min(fixed - payload.builder.length, host.count)
            if take > 0 {
                let slice = host.bytes(0..<take)
                let span = host.span(take)
                payload.builder.append(slice, span: span)
                host.consume(take)
                lastHostByteTime = span.lastTime
                pending[index].absorb(span, hostBytes: take)
            }
            if payload.builder.length >= fixed {
                finishHostPayload(payload, at: index, end: .count)
            } else {
                hostState = isUpload ? .upload(payload) : .payload(payload)
            }
            return take > 0 || payload.builder.length >= fixed
        }
        // Variable length: up to Ctrl+Z, or ESC to cancel (quectel-ssl.md §5.3).
        if let terminator = host.firstIndex(of: Self.ctrlZ, or: Self.escape, from: 0) {
            if terminator > 0 {
                let span = host.span(terminator)
                payload.builder.append(host.bytes(0..<terminator), span: span)
                host.consume(terminator)
            }
            let isEscape = host[0] == Self.escape
            let span = host.consume(1)
            lastHostByteTime = span.lastTime
            pending[index].absorb(span, hostBytes: terminator + 1)
            if payload.builder.lastTime == nil {
                payload.builder.firstTime = span.firstTime
                payload.builder.firstFrame = span.firstFrame
            }
            payload.builder.lastTime = span.lastTime
            if isEscape { pending[index].isCancelled = true }
            finishHostPayload(payload, at: index, end: isEscape ? .escape : .ctrlZ)
            return true
        }
        let take = host.count
        let span = host.span(take)
        payload.builder.append(host.bytes(0..<take), span: span)
        host.consume(take)
        lastHostByteTime = span.lastTime
        pending[index].absorb(span, hostBytes: take)
        hostState = isUpload ? .upload(payload) : .payload(payload)
        return true
    }

    mutating func finishHostPayload(_ payload: HostPayload, at index: Int, end: Payload.End) {
        let defaultTime = pending[index].storage.fields.promptTime ?? pending[index].storage.fields.commandEnd
        pending[index].storage.fields.tx = payload.builder.payload(end: end, defaultTime: defaultTime)
        if payload.builder.isInferred { pending[index].storage.fields.hasInferredDirection = true }
        hostState = .command
    }

    /// The module answered while the host was still sending: the payload ends here
    /// (product.md §7.8, "whichever comes first").
    mutating func endHostPayloadEarly(owner: Int) {
        switch hostState {
        case .payload(let payload) where payload.owner == owner, .upload(let payload) where payload.owner == owner:
            if let index = pendingIndex(owner) {
                finishHostPayload(payload, at: index, end: .short)
            } else {
                hostState = .command
            }
        default:
            break
        }
    }

    /// At the end of the input: a partial command line becomes a diagnostic, a payload
    /// in progress is closed.
    mutating func flushHostAtEnd() {
        switch hostState {
        case .payload(let payload), .upload(let payload):
            if let index = pendingIndex(payload.owner) {
                finishHostPayload(payload, at: index, end: .endOfInput)
            } else {
                hostState = .command
            }
        case .command, .data:
            break
        }
        if !host.isEmpty {
            let isFramingOnly = (0..<host.count).allSatisfy { Self.isHostFraming(host[$0]) }
            hostDiagnostic(.incompleteAtEnd, length: host.count,
                           message: isFramingOnly ? "input ended with \(host.count) line-end bytes from the host"
                                                  : "input ended inside a host command line")
        }
    }

    func pendingIndex(_ id: Int) -> Int? {
        pending.firstIndex(where: { $0.id == id })
    }

    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in bytes.prefix(40) {
            if byte >= 0x20 && byte < 0x7F {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        if bytes.count > 40 { text += "…" }
        return "'" + text + "'"
    }
}
