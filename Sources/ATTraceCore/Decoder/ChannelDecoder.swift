/// Decodes one logical channel: reassembles each direction's bytes and pairs them into
/// transactions, URCs, data runs and mode switches (product.md §3).
///
/// Both directions are buffered separately (aesthetics.md §9 rule 6) and processed in the
/// order the records arrived. A token is consumed only when it is complete; a decision
/// that needs one more byte of the same direction waits for it, or is taken when the other
/// direction sends (the *segment* of the first direction has then ended). Decisions depend
/// only on the byte sequence and on where the direction changes, never on how a direction's
/// bytes were split into records, so the output does not depend on chunking.
struct ChannelDecoder {
    let channel: UInt32
    let catalog: CommandCatalog

    var host = ByteQueue()
    var modem = ByteQueue()
    var unknown = ByteQueue()
    /// `true` while the host's current run of records may still grow.
    var hostSegmentOpen = false
    var modemSegmentOpen = false
    var lastDirection: Direction?

    var output: [DecodedRecord] = []
    /// Commands waiting for their final result, oldest first (a module answers in order).
    /// None has a final result: completing a transaction removes it.
    var pending: [PendingTransaction] = []
    var hostState: HostState = .command
    var modemState: ModemState = .lines
    var dataSession: DataSession?
    /// Recent command lines with their shape, and recent module lines with their class
    /// (LineCache).
    var commandLines = LineCache<CommandLineShape>()
    var moduleLines = LineCache<ModuleLineClass>()
    /// The shape of the last line, for `A/`.
    var lastShape: CommandLineShape?
    var lastCommandLine: [UInt8]?
    /// ATV0 is in effect: result codes are digits.
    var numericResults = false
    /// The `+++` guard time, changed by `ATS12=<n>` (n × 20 ms).
    var escapeGuardTime = EscapeGuard.defaultGuardTime
    var deadlines = DeadlineContext()
    var awaits: [AsyncAwait] = []
    var lastHostByteTime: Timestamp?
    /// Time of the latest record of this channel (for "the input ended at …").
    var lastInputTime: Timestamp?
    var hasReportedInference = false
    /// `AT+CMUX` was answered `OK` (the id of its transaction): the bytes that follow are
    /// CMUX frames, which the stream decoder takes from here (formats.md §5). Set until
    /// the multiplexer ends.
    var multiplexedBy: Int?

    static let maximumLineLength = 65_536
    /// Commands waiting for an answer at once; a module answers in order and real hosts
    /// pipeline a few, so more than this means the oldest will not be answered.
    static let maximumPending = 256
    /// A counted or delimited module payload is held unconsumed up to this size, so that
    /// product.md §7.8 can cut it; beyond it the bytes are committed as they arrive.
    static let maximumHeldPayload = 16 << 20
    /// Data runs longer than this are split into several `data` records.
    static let maximumDataRun = 1 << 20

    init(channel: UInt32, catalog: CommandCatalog) {
        self.channel = channel
        self.catalog = catalog
    }

    enum HostState {
        case command
        /// Payload after a `> ` prompt: fixed length, or until Ctrl+Z / ESC.
        case payload(HostPayload)
        /// Counted upload after `CONNECT`.
        case upload(HostPayload)
        /// Transparent data mode.
        case data
    }

    struct HostPayload {
        var owner: Int
        var fixedLength: Int?
        var builder: PayloadBuilder
    }

    enum ModemState {
        case lines
        /// Counted bytes after a header line.
        case counted(ModemPayload)
        /// Bytes up to a closing line (`+QFDWL: …`, `OK` + `+QHTTPREAD: …`).
        case download(ModemPayload)
        /// The line after a URC such as `+CMT: …` (boxed, as in ``PayloadOwner``).
        indirect case followingLine(URCRecord)
        case data
    }

    /// Who owns a module payload. The URC is boxed: the module state is switched on at
    /// every step, and an inline URC record would make each of those copies hundreds of bytes.
    enum PayloadOwner {
        case transaction(Int)
        indirect case urc(URCRecord)
    }

    struct ModemPayload {
        var owner: PayloadOwner
        var declaredLength: Int?
        var kind: DownloadKind?
        var builder: PayloadBuilder
        /// Every byte consumed for this payload (data and tolerated framing).
        var consumedBytes = 0
        /// Offsets below this were searched for the closing line already (downloads).
        var searchedUpTo = 0
        var remaining: Int { (declaredLength ?? 0) - builder.length }
    }

    /// An asynchronous result the decoder expects, to link the URC to its command.
    struct AsyncAwait {
        var result: AsyncResult
        var transaction: Int
        var key: String?
    }

    // MARK: - Input

    mutating func feed(_ bytes: UnsafeRawBufferPointer, direction: Direction, time: Timestamp, frame: Int,
                       nextID: inout Int) {
        if lastInputTime.map({ time > $0 }) ?? true { lastInputTime = time }
        switch direction {
        case .host, .modem:
            // Bytes of the direction that just ended came first: finish them first.
            let previous = lastDirection ?? direction
            switchSegment(to: direction, nextID: &nextID)
            if direction == .host {
                host.append(bytes, time: time, frame: frame, isInferred: false)
            } else {
                modem.append(bytes, time: time, frame: frame, isInferred: false)
            }
            pump(first: previous, nextID: &nextID)
        case .unknown:
            if !hasReportedInference {
                hasReportedInference = true
                emit(.diagnostic(Diagnostic(
                    code: .directionInferred,
                    message: "records without a direction tag: direction inferred from content (echo, AT prefix, result codes)",
                    time: time, frame: frame, channel: channel)))
            }
            unknown.append(bytes, time: time, frame: frame, isInferred: true)
            pump(first: .unknown, nextID: &nextID)
        }
    }

    /// Consecutive records of one direction (``ATStreamDecoder/feed(run:direction:channel:marks:)``),
    /// decoded as if fed one by one; returns how many records were taken. The first record
    /// is fed alone (it ends the other direction's segment), and so is every record while
    /// `AT+CMUX` waits for its `OK`: the record that holds the `OK` is the last taken, the
    /// ones after it belong to the multiplexer.
    mutating func feed(run bytes: UnsafeRawBufferPointer, direction: Direction, marks: UnsafeBufferPointer<ByteMark>,
                       nextID: inout Int) -> Int {
        var taken = 0
        repeat {
            let end = taken + 1 < marks.count ? marks[taken + 1].offset : bytes.count
            feed(UnsafeRawBufferPointer(rebasing: bytes[marks[taken].offset..<end]), direction: direction,
                 time: marks[taken].time, frame: marks[taken].frame, nextID: &nextID)
            taken += 1
            if multiplexedBy != nil { return taken }
        } while taken < marks.count && mayStartMultiplexing
        guard taken < marks.count else { return taken }
        // The rest in one step: the direction is already this one's.
        for mark in marks[taken...] where lastInputTime.map({ mark.time > $0 }) ?? true { lastInputTime = mark.time }
        if direction == .host {
            host.append(run: bytes, marks: marks, from: taken)
        } else {
            modem.append(run: bytes, marks: marks, from: taken)
        }
        pump(first: direction, nextID: &nextID)
        return marks.count
    }

    /// `AT+CMUX` is pending: its `OK` starts the multiplexer at the record that holds it.
    var mayStartMultiplexing: Bool {
        !pending.isEmpty && pending.contains { $0.shape.effects.contains(.multiplexing) }
    }

    /// A recorder event, in stream order. `modem_lines` with DTR dropped can end data mode.
    mutating func feed(event: RecorderEvent, nextID: inout Int) {
        if lastInputTime.map({ event.time > $0 }) ?? true { lastInputTime = event.time }
        if event.name == "modem_lines", event["dtr"]?.boolValue == false, dataSession != nil {
            dataSession?.dtrDrop = event.time
        }
        emit(.event(event))
    }

    mutating func feed(diagnostic: Diagnostic) {
        emit(.diagnostic(diagnostic))
    }

    /// Ends the current segment of the other direction before bytes of `direction` arrive:
    /// decisions that waited for one more byte of that direction are taken now.
    mutating func switchSegment(to direction: Direction, nextID: inout Int) {
        guard lastDirection != direction else {
            setSegment(direction, open: true)
            return
        }
        if let previous = lastDirection {
            setSegment(previous, open: false)
            while step(previous, nextID: &nextID) {}
            segmentEnded(previous)
        }
        lastDirection = direction
        setSegment(direction, open: true)
    }

    private mutating func setSegment(_ direction: Direction, open: Bool) {
        switch direction {
        case .host: hostSegmentOpen = open
        case .modem: modemSegmentOpen = open
        case .unknown: break
        }
    }

    /// Work that happens when a direction's run of records ends: in data mode its data
    /// run ends, because the other side is sending (product.md §7.4); a partial module
    /// "line" that is not text is garbage and need not wait for a line end.
    private mutating func segmentEnded(_ direction: Direction, endsDataRun: Bool = true) {
        guard multiplexedBy == nil else { return }
        if dataSession != nil && endsDataRun {
            flushDataRun(direction)
        }
        if direction == .modem, case .lines = modemState, !modem.isEmpty {
            var start = 0
            while start < modem.count, Self.isLineEnd(modem[start]) { start += 1 }
            if start < modem.count, modem.firstLineEnd(from: start) == nil,
               Self.looksLikeGarbage(modem.bytes(start..<modem.count)),
               !pending.contains(where: { $0.echo == .expected && modem.compare(echoOf: $0.storage.fields.commandLine, terminator: $0.echoTerminator,
                                                                         at: start) == .partial }) {
                modemDiagnostic(.modemGarbage, length: modem.count,
                                message: "module bytes that are not text: \(Self.preview(modem.bytes(start..<modem.count)))")
            }
        }
    }

    /// Another channel's record arrived: both of this channel's segments end.
    mutating func endSegments(nextID: inout Int) {
        guard let previous = lastDirection else { return }
        setSegment(previous, open: false)
        while step(previous, nextID: &nextID) {}
        // A data run goes on until this channel's other side sends.
        segmentEnded(previous, endsDataRun: false)
        lastDirection = nil
        pump(first: previous, nextID: &nextID)
    }

    /// Processes both queues until neither makes progress, starting with `first`.
    mutating func pump(first: Direction, nextID: inout Int) {
        var progress = true
        let second: Direction = first == .modem ? .host : .modem
        let first: Direction = first == .modem ? .modem : .host
        while progress {
            progress = false
            while step(first, nextID: &nextID) { progress = true }
            while step(second, nextID: &nextID) { progress = true }
            // One attribution at a time: the next decision needs the state it produces.
            if stepUnknown(force: false, nextID: &nextID) { progress = true }
        }
    }

    private mutating func step(_ direction: Direction, nextID: inout Int) -> Bool {
        // Under CMUX the queued bytes are frames: they wait for the stream decoder.
        guard multiplexedBy == nil else { return false }
        return switch direction {
        case .host: stepHost(nextID: &nextID)
        case .modem: stepModem()
        case .unknown: false
        }
    }

    // MARK: - End of input

    mutating func finish(nextID: inout Int) {
        if let previous = lastDirection {
            setSegment(previous, open: false)
            while step(previous, nextID: &nextID) {}
            segmentEnded(previous)
        }
        hostSegmentOpen = false
        modemSegmentOpen = false
        pump(first: .host, nextID: &nextID)
        while stepUnknown(force: true, nextID: &nextID) {
            hostSegmentOpen = false
            modemSegmentOpen = false
            pump(first: .host, nextID: &nextID)
        }
        hostSegmentOpen = false
        modemSegmentOpen = false
        flushHostAtEnd()
        flushModemAtEnd()
        if dataSession != nil {
            rejectEscape()
            flushDataRun(.host)
            flushDataRun(.modem)
        }
        // Whatever is still pending was never answered.
        while !pending.isEmpty {
            let status: Transaction.Status = pending[0].isCancelled ? .cancelled : .unanswered
            if status == .unanswered, let last = lastInputTime {
                pending[0].storage.fields.abandonment = .endOfInput(last)
            }
            completeTransaction(at: 0, final: nil, status: status)
        }
    }

    // MARK: - Output

    mutating func emit(_ record: DecodedRecord) {
        output.append(record)
    }

    /// The time of the URC a module payload in progress belongs to.
    private var modemPayloadURCTime: Timestamp? {
        switch modemState {
        case .counted(let payload), .download(let payload):
            if case .urc(let urc) = payload.owner { return urc.time }
            return nil
        case .followingLine(let urc):
            return urc.time
        case .lines, .data:
            return nil
        }
    }

    /// The earliest time a record still to come from this channel could carry.
    var watermark: Timestamp? {
        // `mutating get` so the queues are read in place, not copied.
        mutating get {
            var earliest: Timestamp?
            func consider(_ time: Timestamp?) {
                if let time, earliest.map({ time < $0 }) ?? true { earliest = time }
            }
            // Asked after nearly every record: fields are read in place, never by copying a
            // pending transaction or a payload out (`pending.first` would copy one).
            if !pending.isEmpty { consider(pending[0].storage.fields.start) }
            if !host.isEmpty { consider(host.mark(at: 0).time) }
            if !modem.isEmpty { consider(modem.mark(at: 0).time) }
            if !unknown.isEmpty { consider(unknown.mark(at: 0).time) }
            if dataSession != nil {
                consider(dataSession?.run?.builder.firstTime)
                consider(dataSession?.escape?.firstTime)
            }
            switch modemState {
            case .lines, .data:
                break
            case .counted, .download, .followingLine:
                consider(modemPayloadURCTime)
            }
            return earliest
        }
    }
}
