/// Module payloads read by count or up to a closing line, so that `OK<CR><LF>` inside the
/// data is data (product.md §3, §7.3, §7.8; quectel-ssl.md §3.2–3.3; catalog.md §2):
///
///     +QSSLRECV: <n><CR><LF><n bytes>[<CR><LF>]          counted (buffer-mode read)
///     +QSSLURC: "recv",<id>,<n><CR><LF><n bytes>[<CR><LF>] counted (direct push)
///     CONNECT <n><CR><LF><n bytes>                       AT+QFREAD
///     CONNECT<CR><LF><data><CR><LF>+QFDWL: <size>,<sum>  AT+QFDWL (size checks the cut)
///     CONNECT<CR><LF><body><CR><LF>OK<CR><LF>…+QHTTPREAD: AT+QHTTPREAD
extension ChannelDecoder {
    static let crlf: [UInt8] = [0x0D, 0x0A]
    static let okLine: [UInt8] = Array("\r\nOK\r\n".utf8)

    mutating func countedStep(_ state: ModemPayload) -> Bool {
        var payload = state
        let remaining = payload.remaining
        if modem.count < remaining {
            guard modem.count > Self.maximumHeldPayload else { return false }
            // Too large to hold for a possible cut: commit what has arrived.
            commit(modem.count, dataBytes: modem.count, into: &payload)
            modemState = .counted(payload)
            return true
        }
        // Tolerate one <CR><LF> after the block (quectel-ssl.md §3.2).
        var extra = 0
        if modem.count >= remaining + 2 {
            if modem[remaining] == Self.carriageReturn && modem[remaining + 1] == Self.lineFeed { extra = 2 }
        } else if modemSegmentOpen && (modem.count == remaining || modem[remaining] == Self.carriageReturn) {
            return false
        }
        let span = commit(remaining + extra, dataBytes: remaining, into: &payload)
        modemState = .lines
        finishModemPayload(payload, end: .count, span: span)
        return true
    }

    mutating func downloadStep(_ state: ModemPayload) -> Bool {
        let (end, resume) = downloadEnd(state.kind, from: state.searchedUpTo)
        guard let dataEnd = end else {
            if modem.count > Self.maximumHeldPayload {
                var payload = state
                let take = modem.count - 64
                commit(take, dataBytes: take, into: &payload)
                payload.searchedUpTo = 0
                modemState = .download(payload)
                return true
            }
            if resume != state.searchedUpTo {
                // Offsets already ruled out are not searched again when more data arrives.
                var payload = state
                payload.searchedUpTo = resume
                modemState = .download(payload)
            }
            return false
        }
        var payload = state
        let span = dataEnd > 0 ? commit(dataEnd, dataBytes: dataEnd, into: &payload) : nil
        modemState = .lines
        finishModemPayload(payload, end: .delimiter, span: span)
        return true
    }

    /// Where a download's data ends (`nil` when its closing line has not arrived), and the
    /// offset from which a later search must start (every earlier one is ruled out).
    private func downloadEnd(_ kind: DownloadKind?, from start: Int) -> (end: Int?, resume: Int) {
        switch kind {
        case .untilSizeLine(let prefix)?:
            let marker = Array((prefix + ":").utf8)
            var from = start
            while let position = find(marker, from: from) {
                guard let lineEnd = modem.firstLineEnd(from: position) else { return (nil, position) }
                let size = ResponseLine(modem.bytes(position..<lineEnd)).integer(0).map(Int.init)
                let afterCRLF = position >= 2 && modem[position - 2] == Self.carriageReturn
                    && modem[position - 1] == Self.lineFeed ? position - 2 : nil
                if let size {
                    if size == afterCRLF { return (afterCRLF, start) }
                    if size == position { return (position, start) }
                }
                from = position + 1
            }
            return (nil, Self.resumeOffset(from: from, patternLength: marker.count, queued: modem.count))
        case .untilOKThen(let prefix)?:
            let closing = Array((prefix + ":").utf8)
            var from = start
            while let position = find(Self.okLine, from: from) {
                var next = position + Self.okLine.count
                while next < modem.count, Self.isLineEnd(modem[next]) { next += 1 }
                switch modem.compare(closing[...], at: next) {
                case .matched: return (position, start)
                case .partial: return (nil, position)
                case .mismatch: from = position + 1
                }
            }
            return (nil, Self.resumeOffset(from: from, patternLength: Self.okLine.count, queued: modem.count))
        case .connectLength?, nil:
            let end = find(Self.okLine, from: start)
            return (end, end == nil ? Self.resumeOffset(from: start, patternLength: Self.okLine.count, queued: modem.count)
                                    : start)
        }
    }

    /// After a search from `from` found nothing: the first offset where the pattern could
    /// still start once more bytes arrive.
    private static func resumeOffset(from: Int, patternLength: Int, queued: Int) -> Int {
        Swift.max(from, queued - patternLength + 1, 0)
    }

    func find(_ pattern: [UInt8], from: Int) -> Int? {
        guard let first = pattern.first, modem.count - from >= pattern.count else { return nil }
        var index = from
        let last = modem.count - pattern.count
        // Candidates are found by their first byte, eight bytes at a time.
        while index <= last, let candidate = modem.firstIndex(of: first, or: first, from: index), candidate <= last {
            if modem.hasPrefix(pattern, at: candidate) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    /// Consumes `count` queued bytes into `payload`; the first `dataBytes` of them are data,
    /// the rest tolerated framing.
    @discardableResult
    private mutating func commit(_ count: Int, dataBytes: Int, into payload: inout ModemPayload) -> ByteQueue.Span {
        if dataBytes > 0 {
            payload.builder.append(modem.bytes(0..<dataBytes), span: modem.span(dataBytes))
        }
        let span = modem.consume(count)
        payload.consumedBytes += count
        if case .transaction(let id) = payload.owner, let index = pendingIndex(id) {
            pending[index].absorb(span, modemBytes: count)
        }
        return span
    }

    private mutating func finishModemPayload(_ payload: ModemPayload, end: Payload.End, span: ByteQueue.Span?) {
        switch payload.owner {
        case .transaction(let id):
            guard let index = pendingIndex(id) else {
                if payload.builder.length > 0 {
                    let bytes = payload.builder.bytes
                    emit(.diagnostic(Diagnostic(
                        code: .orphanPayload,
                        message: "\(payload.builder.length) payload bytes of transaction \(id), which had already ended",
                        time: payload.builder.firstTime, frame: payload.builder.firstFrame ?? 0, channel: channel,
                        direction: .modem, bytes: bytes)))
                }
                return
            }
            let defaultTime = span?.lastTime ?? pending[index].storage.fields.commandEnd
            let result = payload.builder.payload(end: end, defaultTime: defaultTime)
            pending[index].storage.fields.rx = Self.appendedPayload(pending[index].storage.fields.rx, result)
            if payload.builder.isInferred { pending[index].storage.fields.hasInferredDirection = true }
        case .urc(var urc):
            let defaultTime = span?.lastTime ?? urc.time
            urc.payload = payload.builder.payload(end: end, defaultTime: defaultTime)
            urc.modemByteCount += payload.consumedBytes
            if payload.builder.isInferred { urc.hasInferredDirection = true }
            emit(.urc(urc))
        }
    }

    /// Product.md §7.8: a counted module payload still incomplete when the host sends its
    /// next command was short. It ends at the last final-result line inside it, and the
    /// decoder resynchronises there.
    mutating func cutModemPayloadForHostCommand() {
        // Called for every command line: the state is tested before anything is copied.
        switch modemState {
        case .counted, .download: break
        case .lines, .followingLine, .data: return
        }
        guard let cut = lastFinalResultLine() else { return }
        let payload: ModemPayload
        switch modemState {
        case .counted(let state), .download(let state): payload = state
        case .lines, .followingLine, .data: return
        }
        cutModemPayload(payload, at: cut)
        while stepModem() {}
    }

    private mutating func cutModemPayload(_ state: ModemPayload, at cut: Int) {
        var payload = state
        let span = cut > 0 ? commit(cut, dataBytes: cut, into: &payload) : nil
        modemState = .lines
        finishModemPayload(payload, end: .short, span: span)
    }

    /// The offset of the `<CR><LF>` that starts the last complete final-result line queued.
    private func lastFinalResultLine() -> Int? {
        var result: Int?
        var index = 0
        while index + 1 < modem.count {
            if modem[index] == Self.carriageReturn && modem[index + 1] == Self.lineFeed {
                var end = index + 2
                while end + 1 < modem.count, !(modem[end] == Self.carriageReturn && modem[end + 1] == Self.lineFeed) {
                    end += 1
                }
                if end + 1 < modem.count, end > index + 2, ResultCode.verbose(modem.bytes((index + 2)..<end)) != nil {
                    result = index
                }
                index = end
            } else {
                index += 1
            }
        }
        return result
    }

    /// At the end of the input: close any payload in progress and report leftovers.
    mutating func flushModemAtEnd() {
        switch modemState {
        case .counted(let payload), .download(let payload):
            if case .download = modemState, let cut = lastFinalResultLine() {
                cutModemPayload(payload, at: cut)
                while stepModem() {}
                flushModemAtEnd()
                return
            }
            var state = payload
            let span = modem.isEmpty ? nil : commit(modem.count, dataBytes: modem.count, into: &state)
            modemState = .lines
            finishModemPayload(state, end: .endOfInput, span: span)
        case .followingLine(var urc):
            if !modem.isEmpty {
                let (bytes, _) = modem.take(modem.count)
                urc.followingLine = bytes
                urc.modemByteCount += bytes.count
            }
            modemState = .lines
            emit(.urc(urc))
        case .lines, .data:
            break
        }
        guard !modem.isEmpty else { return }
        // A partial echo belongs to its command.
        if let index = pending.firstIndex(where: { $0.echo == .expected }) {
            var start = 0
            while start < modem.count, Self.isLineEnd(modem[start]) { start += 1 }
            if start < modem.count, modem.compare(echoOf: pending[index].storage.fields.commandLine,
                                                       terminator: pending[index].echoTerminator, at: start) == .partial {
                let count = modem.count
                let span = modem.consume(count)
                pending[index].storage.fields.hasEcho = true
                pending[index].absorb(span, modemBytes: count)
                return
            }
        }
        let isFramingOnly = (0..<modem.count).allSatisfy { Self.isLineEnd(modem[$0]) }
        modemDiagnostic(.incompleteAtEnd, length: modem.count,
                        message: isFramingOnly ? "input ended with \(modem.count) line-end bytes from the module"
                                               : "input ended inside a module line: \(Self.preview(modem.bytes(0..<modem.count)))")
    }
}
