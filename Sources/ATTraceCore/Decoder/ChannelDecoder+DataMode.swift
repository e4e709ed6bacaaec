/// Transparent (online data) mode: after `CONNECT`, raw bytes both ways until the host's
/// `+++` is answered `OK`, the module sends `NO CARRIER`, or DTR drops and the module
/// answers `OK` (quectel-ssl.md §3.4; product.md §7.1, §7.4, §7.5).
///
///     host:   <data>…  +++                      escape candidate: the host's run ends in `+++`
///     module: <data>…  <CR><LF>OK<CR><LF>       …confirmed before the host sends again
///     module: <data>…  <CR><LF>NO CARRIER<CR><LF>
///
/// `+++` followed by more host bytes, or by no `OK`, is data (§7.1).
extension ChannelDecoder {
    struct DataSession {
        var openedBy: Int?
        var run: DataRunBuilder?
        var escape: EscapeCandidate?
        var dtrDrop: Timestamp?
    }

    struct DataRunBuilder {
        var direction: Direction
        var builder: PayloadBuilder
    }

    /// Three `+` that ended a host run, waiting for the module's `OK`.
    struct EscapeCandidate {
        var bytes: [UInt8]
        var firstTime: Timestamp
        var lastTime: Timestamp
        var firstFrame: Int
        var lastFrame: Int
        var silenceBefore: Duration?
        var isInferred: Bool
    }

    static let noCarrierLine: [UInt8] = Array("\r\nNO CARRIER\r\n".utf8)

    mutating func enterDataMode(openedBy id: Int, time: Timestamp, frame: Int) {
        var record = ModeSwitch(channel: channel, mode: .data, reason: .connect, time: time, frame: frame)
        record.transaction = id
        emit(.mode(record))
        dataSession = DataSession(openedBy: id)
        hostState = .data
        modemState = .data
    }

    // MARK: - Host bytes

    mutating func hostDataStep() -> Bool {
        if dataSession?.escape != nil {
            // The host sent more after `+++` before the module answered: it was data.
            rejectEscape()
        }
        guard hostSegmentOpen else {
            return resolveTrailingEscape()
        }
        // Trailing `+` may become an escape when the host's run ends; hold them.
        var plus = 0
        while plus < 3, plus < host.count, host[host.count - 1 - plus] == UInt8(ascii: "+") { plus += 1 }
        let consumable = host.count - plus
        guard consumable > 0 else { return false }
        appendData(.host, length: consumable)
        return true
    }

    /// When the host's run has ended: a run that ends in `+++` is an escape candidate,
    /// everything before it is data.
    @discardableResult
    mutating func resolveTrailingEscape() -> Bool {
        guard dataSession != nil, case .data = hostState, !host.isEmpty else { return false }
        let count = host.count
        var plus = 0
        while plus < count, host[count - 1 - plus] == UInt8(ascii: "+") { plus += 1 }
        guard plus >= 3 else {
            appendData(.host, length: count)
            return true
        }
        if count > 3 { appendData(.host, length: count - 3) }
        flushDataRun(.host)
        let first = host.mark(at: 0)
        let bytes = host.array(0..<3)
        let span = host.consume(3)
        let silence = lastHostByteTime.map { first.time.since($0) }
        dataSession?.escape = EscapeCandidate(bytes: bytes, firstTime: span.firstTime, lastTime: span.lastTime,
                                              firstFrame: span.firstFrame, lastFrame: span.lastFrame,
                                              silenceBefore: silence, isInferred: span.isInferred)
        lastHostByteTime = span.lastTime
        return true
    }

    /// The `+++` was data after all: it becomes a host run of its own.
    mutating func rejectEscape() {
        guard let escape = dataSession?.escape else { return }
        dataSession?.escape = nil
        let span = ByteQueue.Span(firstTime: escape.firstTime, lastTime: escape.lastTime, firstFrame: escape.firstFrame,
                                  lastFrame: escape.lastFrame, isInferred: escape.isInferred)
        appendDataBytes(.host, escape.bytes[...], span: span)
        flushDataRun(.host)
    }

    // MARK: - Module bytes

    mutating func modemDataStep() -> Bool {
        // After `+++` (or a DTR drop) the module's next output decides: `OK` confirms the
        // escape (quectel-ssl.md §3.4 rule 4); anything else means the `+++` was data.
        if dataSession?.escape != nil || dataSession?.dtrDrop != nil {
            switch modem.compare(Self.okLine[...], at: 0) {
            case .matched:
                leaveDataMode(reason: dataSession?.escape != nil ? .escape : .dtr, lineLength: Self.okLine.count)
                return true
            case .partial where modemSegmentOpen:
                return false
            case .partial, .mismatch:
                rejectEscape()
                dataSession?.dtrDrop = nil
            }
        }
        var index = 0
        while index < modem.count {
            if modem[index] == Self.carriageReturn {
                switch modem.compare(Self.noCarrierLine[...], at: index) {
                case .matched:
                    if index > 0 { appendData(.modem, length: index) }
                    leaveDataMode(reason: .noCarrier, lineLength: Self.noCarrierLine.count)
                    return true
                case .partial where modemSegmentOpen:
                    // Possibly the start of `NO CARRIER`: hold it until the run goes on.
                    if index > 0 { appendData(.modem, length: index); return true }
                    return false
                case .partial, .mismatch:
                    break
                }
            }
            index += 1
        }
        appendData(.modem, length: modem.count)
        return true
    }

    private mutating func leaveDataMode(reason: ModeSwitch.Reason, lineLength: Int) {
        let lineMark = modem.mark(at: 2)
        let text = modem.array(2..<(lineLength - 2))
        let lineSpan = modem.consume(lineLength)
        guard var session = dataSession else { return }
        if reason != .escape, session.escape != nil {
            rejectEscape()
            session = dataSession!
        }
        if let run = session.run {
            emitRun(run)
            session.run = nil
        }
        var record: ModeSwitch
        switch reason {
        case .escape:
            let escape = session.escape!
            record = ModeSwitch(channel: channel, mode: .command, reason: .escape, time: escape.firstTime,
                                frame: escape.firstFrame)
            record.text = escape.bytes
            record.final = text
            record.finalTime = lineMark.time
            record.hostByteCount = escape.bytes.count
            record.escapeGuard = EscapeGuard(silenceBefore: escape.silenceBefore,
                                             spread: escape.lastTime.since(escape.firstTime),
                                             silenceAfter: lineMark.time.since(escape.lastTime),
                                             guardTime: escapeGuardTime)
        case .dtr:
            record = ModeSwitch(channel: channel, mode: .command, reason: .dtr, time: session.dtrDrop ?? lineMark.time,
                                frame: lineMark.frame)
            record.final = text
            record.finalTime = lineMark.time
        case .noCarrier, .connect:
            record = ModeSwitch(channel: channel, mode: .command, reason: reason, time: lineMark.time,
                                frame: lineMark.frame)
            record.text = text
        }
        record.modemByteCount = lineLength
        record.transaction = session.openedBy
        _ = lineSpan
        emit(.mode(record))
        dataSession = nil
        hostState = .command
        modemState = .lines
    }

    // MARK: - Runs

    private mutating func appendData(_ direction: Direction, length: Int) {
        let queueSpan: ByteQueue.Span
        let bytes: ArraySlice<UInt8>
        if direction == .host {
            queueSpan = host.span(length)
            bytes = host.bytes(0..<length)
            appendDataBytes(.host, bytes, span: queueSpan)
            host.consume(length)
            lastHostByteTime = queueSpan.lastTime
        } else {
            queueSpan = modem.span(length)
            bytes = modem.bytes(0..<length)
            appendDataBytes(.modem, bytes, span: queueSpan)
            modem.consume(length)
        }
    }

    private mutating func appendDataBytes(_ direction: Direction, _ bytes: ArraySlice<UInt8>, span: ByteQueue.Span) {
        guard dataSession != nil else { return }
        if let run = dataSession!.run, run.direction != direction {
            emitRun(run)
            dataSession!.run = nil
        }
        if dataSession!.run == nil {
            dataSession!.run = DataRunBuilder(direction: direction, builder: PayloadBuilder(declaredLength: nil))
        }
        dataSession!.run!.builder.append(bytes, span: span)
        if dataSession!.run!.builder.length >= Self.maximumDataRun {
            emitRun(dataSession!.run!)
            dataSession!.run = nil
        }
    }

    /// Ends the current run of `direction`, if there is one (the other side is sending).
    mutating func flushDataRun(_ direction: Direction) {
        guard let run = dataSession?.run, run.direction == direction else { return }
        emitRun(run)
        dataSession?.run = nil
    }

    private mutating func emitRun(_ run: DataRunBuilder) {
        let builder = run.builder
        guard builder.length > 0, let time = builder.firstTime else { return }
        let payload = builder.payload(end: .count, defaultTime: time)
        emit(.data(DataRun(channel: channel, direction: run.direction, time: time, endTime: builder.lastTime ?? time,
                           firstFrame: builder.firstFrame ?? 0, lastFrame: builder.lastFrame, payload: payload,
                           hasInferredDirection: builder.isInferred)))
    }
}
