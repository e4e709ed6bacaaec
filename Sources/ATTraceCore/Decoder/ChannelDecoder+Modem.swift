/// Module side of a channel, command mode: echo (ATE1), `<CR><LF>`-framed information
/// responses, final result codes (verbose and ATV0 numeric), the `> ` prompt, and URCs at
/// any time (product.md §3; V.250 §5.7–5.8; quectel-ssl.md §7.1).
///
/// Accepted shapes, where `[..]` is optional and framing is any run of CR/LF:
///
///     AT+CMD<CR>[<LF>]               echo of the pending command line
///     [<CR><LF>]> [ ]                prompt, no line end (only while a prompt is expected)
///     [<CR><LF>]text<CR><LF>         a line; also text<CR> (ATV0) and text<LF>
///     +QSSLRECV: n<CR><LF><n bytes>  counted block after its header (see +Payload)
extension ChannelDecoder {
    mutating func stepModem() -> Bool {
        guard !modem.isEmpty else { return false }
        switch modemState {
        case .lines: return modemLineStep()
        case .counted(let payload): return countedStep(payload)
        case .download(let payload): return downloadStep(payload)
        case .followingLine(let urc): return followingLineStep(urc)
        case .data: return modemDataStep()
        }
    }

    @inline(__always)
    static func isLineEnd(_ byte: UInt8) -> Bool {
        byte == carriageReturn || byte == lineFeed
    }

    // MARK: - Lines

    private mutating func modemLineStep() -> Bool {
        // Echo of a pending command (ATE1): the module repeats the line as typed.
        if let index = pending.firstIndex(where: { $0.echo == .expected }) {
            var start = 0
            while start < modem.count, Self.isLineEnd(modem[start]) { start += 1 }
            if start == modem.count { return false }
            switch modem.compare(echoOf: pending[index].storage.fields.commandLine,
                                 terminator: pending[index].echoTerminator, at: start) {
            case .matched:
                var length = start + pending[index].echoLength
                if length < modem.count, modem[length] == Self.lineFeed,
                   pending[index].echoTerminator == Self.carriageReturn {
                    length += 1
                }
                let span = modem.consume(length)
                pending[index].echo = .seen
                pending[index].storage.fields.hasEcho = true
                pending[index].absorb(span, modemBytes: length)
                return true
            case .partial:
                return false
            case .mismatch:
                break
            }
        }

        // `A` acknowledgements during an `AT+QFUPL` upload in ackmode 1.
        if let index = pending.firstIndex(where: { $0.acknowledgesUpload }),
           modem[0] == UInt8(ascii: "A"), modem.count == 1 || modem[1] != UInt8(ascii: "T") {
            if modem.count == 1 && modemSegmentOpen { return false }
            let span = modem.consume(1)
            pending[index].absorb(span, modemBytes: 1)
            return true
        }

        var start = 0
        while start < modem.count, Self.isLineEnd(modem[start]) { start += 1 }
        if start == modem.count { return false }

        // The `> ` prompt has no line end (quectel-ssl.md §5.3).
        if modem[start] == UInt8(ascii: ">"),
           let index = pending.firstIndex(where: { $0.promptPayload != nil && $0.storage.fields.promptTime == nil }) {
            var length = start + 1
            if length < modem.count {
                if modem[length] == 0x20 { length += 1 }
            } else if modemSegmentOpen {
                return false
            }
            let promptMark = modem.mark(at: start)
            let span = modem.consume(length)
            pending[index].storage.fields.promptTime = promptMark.time
            pending[index].echo = pending[index].echo == .expected ? .absent : pending[index].echo
            pending[index].absorb(span, modemBytes: length)
            let owner = pending[index].id
            switch pending[index].promptPayload! {
            case .fixed(let n):
                hostState = .payload(HostPayload(owner: owner, fixedLength: n, builder: PayloadBuilder(declaredLength: n)))
            case .untilCtrlZ:
                hostState = .payload(HostPayload(owner: owner, fixedLength: nil, builder: PayloadBuilder(declaredLength: nil)))
            }
            return true
        }

        guard let end = modem.firstLineEnd(from: Swift.max(start, modem.scanOffset)) else {
            if modem.count - start > Self.maximumLineLength {
                modemDiagnostic(.overlongLine, length: modem.count,
                                message: "module line longer than \(Self.maximumLineLength) bytes without a line end")
                return true
            }
            modem.scanOffset = modem.count
            return false
        }
        var total = end + 1
        var endsWithLoneCR = false
        if modem[end] == Self.carriageReturn {
            if end + 1 < modem.count {
                if modem[end + 1] == Self.lineFeed { total = end + 2 } else { endsWithLoneCR = true }
            } else if modemSegmentOpen {
                return false
            } else {
                endsWithLoneCR = true
            }
        }
        handleModemLine(contentStart: start, contentEnd: end, total: total, endsWithLoneCR: endsWithLoneCR)
        return true
    }

    mutating func modemDiagnostic(_ code: DiagnosticCode, length: Int, message: String) {
        let (bytes, span) = modem.take(length)
        emit(.diagnostic(Diagnostic(code: code, message: message, time: span.firstTime, frame: span.firstFrame,
                                    channel: channel, direction: .modem, bytes: bytes)))
    }

    /// The oldest pending transaction that still waits for its final result.
    var awaitingFinal: Int? {
        pending.isEmpty ? nil : 0
    }

    private mutating func handleModemLine(contentStart: Int, contentEnd: Int, total: Int, endsWithLoneCR: Bool) {
        // A recurring line shares its bytes and its class (LineCache).
        let entry = moduleLines.entry(for: contentStart..<contentEnd, of: modem, context: catalog) { line, catalog in
            ModuleLineClass(line, catalog: catalog)
        }
        let line = entry.bytes
        let kind = entry.value
        let owner = awaitingFinal

        // Final and intermediate result codes (V.250 §5.7.1; catalog.md §1.2).
        var code = kind.resultCode
        if code == nil, let digit = kind.digit, let owner,
           numericResults || endsWithLoneCR || pending[owner].shape.isSettingNumeric {
            code = ResultCode(numericCode: digit)
        }
        if let code {
            handleResultCode(code, line: line, owner: owner, contentStart: contentStart, contentEnd: contentEnd,
                             total: total)
            return
        }

        if let index = owner {
            let isOwnResponse: Bool
            if let prefix = kind.prefix {
                // `AT+QSSLRECV` owns `+QSSLRECV:`; `+QSSLOPEN: 4,0` is the asynchronous result
                // even while `AT+QSSLOPEN` is pending, unless it is the test form (quectel-ssl.md §7).
                isOwnResponse = pending[index].shape.isResponse(prefix: prefix)
            } else {
                isOwnResponse = kind.urcName == nil
            }
            if isOwnResponse {
                if kind.isGarbage {
                    modemDiagnostic(.modemGarbage, length: total,
                                    message: "module bytes that are not text: \(Self.preview(line[...]))")
                    return
                }
                appendResponse(at: index, line: line, kind: kind, contentStart: contentStart, total: total)
                return
            }
        }
        if kind.urcName != nil {
            let during: Int? = if let owner { pending[owner].id } else { nil }
            emitURC(line: line, kind: kind, contentStart: contentStart, total: total, during: during)
            return
        }
        if kind.isGarbage {
            modemDiagnostic(.modemGarbage, length: total,
                            message: "module bytes that fit no grammar: \(Self.preview(line[...]))")
        } else {
            modemDiagnostic(.unexpectedLine, length: total,
                            message: "module line with no pending command that is not a known URC: \(Self.preview(line[...]))")
        }
    }

    private mutating func appendResponse(at index: Int, line: [UInt8], kind: ModuleLineClass, contentStart: Int,
                                         total: Int) {
        let mark = modem.mark(at: contentStart)
        let span = modem.consume(total)
        pending[index].storage.fields.responses.append(Transaction.Line(text: line, time: mark.time, frame: mark.frame))
        pending[index].absorb(span, modemBytes: total)
        if pending[index].echo == .expected { pending[index].echo = .absent }
        // A counted block follows the header (`+QSSLRECV: 18`).
        if let counted = pending[index].countedResponse, kind.prefix == counted.prefix,
           let length = counted.length(of: kind.parsed(line)) {
            let owner = pending[index].id
            if length == 0 {
                pending[index].storage.fields.rx = Self.appendedPayload(pending[index].storage.fields.rx,
                    Payload(bytes: [], declaredLength: 0, time: span.lastTime, endTime: span.lastTime, end: .count))
            } else {
                modemState = .counted(ModemPayload(owner: .transaction(owner), declaredLength: length, kind: nil,
                                                   builder: PayloadBuilder(declaredLength: length)))
            }
        }
    }

    private mutating func handleResultCode(_ code: ResultCode, line text: [UInt8], owner: Int?, contentStart: Int,
                                           contentEnd: Int, total: Int) {
        guard let index = owner else {
            modemDiagnostic(.orphanResult, length: total,
                            message: "result code \(Self.preview(modem.bytes(contentStart..<contentEnd))) with no pending command")
            return
        }
        let mark = modem.mark(at: contentStart)
        let id = pending[index].id

        // `CONNECT` of a raw transfer is an intermediate result: the transfer follows.
        if code == .connect, pending[index].uploadLength != nil || pending[index].download != nil {
            let span = modem.consume(total)
            pending[index].storage.fields.responses.append(Transaction.Line(text: text, time: mark.time, frame: mark.frame))
            pending[index].absorb(span, modemBytes: total)
            if pending[index].echo == .expected { pending[index].echo = .absent }
            if let length = pending[index].uploadLength {
                hostState = .upload(HostPayload(owner: id, fixedLength: length, builder: PayloadBuilder(declaredLength: length)))
            } else if let kind = pending[index].download {
                var declared: Int?
                if kind == .connectLength {
                    let value = FinalResult(code: .connect, line: text, time: mark.time, frame: mark.frame).numericArgument
                    declared = value.map { Swift.max(0, $0) }
                }
                let payload = ModemPayload(owner: .transaction(id), declaredLength: declared, kind: kind,
                                           builder: PayloadBuilder(declaredLength: declared))
                if kind == .connectLength, let declared {
                    if declared == 0 {
                        pending[index].storage.fields.rx = Payload(bytes: [], declaredLength: 0, time: span.lastTime,
                                                                endTime: span.lastTime, end: .count)
                    } else {
                        modemState = .counted(payload)
                    }
                } else {
                    modemState = .download(payload)
                }
            }
            return
        }

        // The module answered while the host was still sending its payload.
        endHostPayloadEarly(owner: id)
        let span = modem.consume(total)
        pending[index].absorb(span, modemBytes: total)
        if pending[index].echo == .expected { pending[index].echo = .absent }
        let final = FinalResult(code: code, line: text, time: mark.time, frame: mark.frame)
        let status: Transaction.Status = pending[index].isCancelled ? .cancelled : (code.isSuccess ? .ok : .error)
        let opensDataMode = code == .connect
        completeTransaction(at: index, final: final, status: status)
        if opensDataMode {
            enterDataMode(openedBy: id, time: mark.time, frame: mark.frame)
        }
    }

    // MARK: - URCs

    private mutating func emitURC(line: [UInt8], kind: ModuleLineClass, contentStart: Int, total: Int, during: Int?) {
        let mark = modem.mark(at: contentStart)
        let span = modem.consume(total)
        let spec = kind.urc
        var urc = URCRecord(channel: channel, name: kind.urcName!, text: line, time: mark.time, frame: mark.frame,
                            isKnown: spec != nil, modemByteCount: total)
        urc.hasInferredDirection = span.isInferred
        urc.duringTransaction = during
        urc.transaction = linkAsyncResult(urc, kind: kind)
        if spec?.isRestart == true {
            moduleRestarted(at: mark.time)
        }
        if let rule = spec?.payload, let length = rule.length(of: kind.parsed(line)) {
            if length == 0 {
                urc.payload = Payload(bytes: [], declaredLength: 0, time: span.lastTime, endTime: span.lastTime, end: .count)
            } else {
                modemState = .counted(ModemPayload(owner: .urc(urc), declaredLength: length, kind: nil,
                                                   builder: PayloadBuilder(declaredLength: length)))
                return
            }
        }
        if spec?.hasFollowingLine == true {
            modemState = .followingLine(urc)
            return
        }
        emit(.urc(urc))
    }

    /// Links an asynchronous result (`+QSSLOPEN: 4,0`) to the command it answers.
    private mutating func linkAsyncResult(_ urc: URCRecord, kind: ModuleLineClass) -> Int? {
        guard awaits.contains(where: { $0.result.urc == urc.name }) else { return nil }
        let parsed = kind.parsed(urc.text)
        for (index, wait) in awaits.enumerated().reversed() where wait.result.urc == urc.name {
            if let subtype = wait.result.subtype {
                guard parsed.field(0)?.keyword == subtype else { continue }
            }
            if let key = wait.key, let field = wait.result.resultKey {
                guard parsed.field(field)?.text == key else { continue }
                awaits.remove(at: index)
            }
            return wait.transaction
        }
        return nil
    }

    /// `RDY` / `POWERED DOWN`: the module restarted; nothing pending will be answered.
    private mutating func moduleRestarted(at time: Timestamp) {
        while let index = awaitingFinal {
            if !pending[index].isCancelled { pending[index].storage.fields.abandonment = .restart(time) }
            completeTransaction(at: index, final: nil, status: pending[index].isCancelled ? .cancelled : .unanswered)
        }
        switch hostState {
        case .payload, .upload: hostState = .command
        case .command, .data: break
        }
        awaits.removeAll()
        deadlines.reset()
        numericResults = false
    }

    private mutating func followingLineStep(_ urc: URCRecord) -> Bool {
        guard let end = modem.firstLineEnd(from: modem.scanOffset) else {
            if modem.count > Self.maximumLineLength {
                modemState = .lines
                emit(.urc(urc))
                return true
            }
            modem.scanOffset = modem.count
            return false
        }
        var total = end + 1
        if modem[end] == Self.carriageReturn {
            if end + 1 < modem.count {
                if modem[end + 1] == Self.lineFeed { total = end + 2 }
            } else if modemSegmentOpen {
                return false
            }
        }
        var record = urc
        record.followingLine = modem.array(0..<end)
        modem.consume(total)
        record.modemByteCount += total
        modemState = .lines
        emit(.urc(record))
        return true
    }

    // MARK: - Helpers

    /// Text lines may hold UTF-8; control bytes or mostly non-ASCII bytes mean garbage
    /// (wrong baud rate, CMUX or PPP frames on a command channel).
    static func looksLikeGarbage(_ line: ArraySlice<UInt8>) -> Bool {
        var high = 0
        for byte in line {
            if byte < 0x20 && byte != 0x09 { return true }
            if byte == 0x7F { return true }
            if byte >= 0x80 { high += 1 }
        }
        return high * 3 > line.count
    }

    static func appendedPayload(_ existing: Payload?, _ next: Payload) -> Payload {
        guard var existing else { return next }
        existing.bytes.append(contentsOf: next.bytes.prefix(Swift.max(0, Payload.storageLimit - existing.bytes.count)))
        existing.length += next.length
        existing.declaredLength = (existing.declaredLength ?? 0) + (next.declaredLength ?? 0)
        existing.endTime = next.endTime
        existing.end = next.end
        return existing
    }
}
