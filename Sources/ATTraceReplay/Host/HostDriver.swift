import ATTraceCore

/// The host side of `attrace replay --as host` (issue 5 §2): sends the recording's host
/// units to a live module in order and waits for what the recorded host waited for.
///
/// Pure: time comes in with the bytes. The module's answers are recognised by an
/// ``ATStreamDecoder`` fed with both directions of the live session, so the driver knows a
/// command is answered when the decoder completes its transaction:
///
///     send command line          → wait for its final result (catalog maximum response
///                                  time), or for `> ` / `CONNECT` when a payload follows
///     send payload               → wait for the final result
///     then                       → wait for the URCs the recorded host saw before its next
///                                  unit (asynchronous results up to their deadline), then
///                                  the recorded pause (scaled by ``ReplayTiming``)
///     data mode (`CONNECT`)      → play the recorded host data at its offsets; `+++` after
///                                  the guard time, then wait for `OK`
///     CMUX frames (after         → send the recorded record as it is, wait until the module
///     `AT+CMUX` → `OK`)            has sent as many bytes as the recording has after it
///                                  (up to their recorded time and the URC grace), then the
///                                  recorded pause
public struct HostDriver: ReplayParty {
    public let recording: Recording
    public let timing: ReplayTiming
    /// How long to wait for a recorded URC that is not a command's asynchronous result,
    /// beyond the time it came in the recording.
    public var unsolicitedGrace: Duration
    let catalog: CommandCatalog

    var decoder: ATStreamDecoder
    var deadlines = DeadlineContext()
    var cursor = 0
    var phase = Phase.idle(readyAt: nil)
    var frame = 0
    /// The live record that carried the last command line: the decoder's transaction with
    /// this first record on the line is its answer (transaction ids also count the DLCIs'
    /// commands once CMUX runs, so they cannot be predicted).
    var commandFrame = 0
    var lastSent: Timestamp?
    /// Transactions of the live session, completed, by id.
    var completed: [Int: Transaction] = [:]
    /// Names of the URCs received since the current step's unit was sent.
    var urcsSinceUnit: [String] = []
    var isDataMode = false
    var base: ReplayReport

    enum Phase: Hashable, Sendable {
        /// The next unit goes out at this time (`nil`: at once).
        case idle(readyAt: Timestamp?)
        /// A command or payload was sent; its answer is awaited.
        case answer(AnswerWait)
        /// The answer came; the URCs the recorded host saw are awaited.
        case urcs(deadline: Timestamp)
        /// Data mode: recorded host data goes out at these times.
        case data(DataSession)
        /// `+++` was sent; the module's `OK` is awaited.
        case escape(deadline: Timestamp)
        /// CMUX frames were sent; the module's recorded answer is awaited, by its length.
        case frames(FramesWait)
        case finished
    }

    struct AnswerWait: Hashable, Sendable {
        /// The live record of the command line whose transaction answers.
        var commandFrame: Int
        var deadline: Timestamp
        /// Set when a payload follows: the prompt or `CONNECT` it needs.
        var scanner: AnswerScanner?
        var sent: Timestamp
    }

    struct FramesWait: Hashable, Sendable {
        /// Module bytes the recording has between these frames and the host's next record.
        var expected: Int
        var received = 0
        var deadline: Timestamp
    }

    struct DataSession: Hashable, Sendable {
        var items: [(due: Timestamp, bytes: [UInt8])]
        /// The next item to send (taking items off the front would copy the rest each time).
        var next = 0
        /// When the recording left data mode without `+++` (NO CARRIER, DTR): wait for the
        /// live module to leave it too, until this time.
        var leaveDeadline: Timestamp?

        static func == (lhs: DataSession, rhs: DataSession) -> Bool {
            lhs.leaveDeadline == rhs.leaveDeadline && lhs.next == rhs.next
                && lhs.items.elementsEqual(rhs.items) { $0.due == $1.due && $0.bytes == $1.bytes }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(leaveDeadline)
            hasher.combine(next)
            hasher.combine(items.count)
        }
    }

    public init(recording: Recording, timing: ReplayTiming = .recorded, unsolicitedGrace: Duration = .seconds(5),
                catalog: CommandCatalog = .standard) {
        self.recording = recording
        self.timing = timing
        self.unsolicitedGrace = unsolicitedGrace
        self.catalog = catalog
        self.decoder = ATStreamDecoder(catalog: catalog)
        self.base = ReplayReport(of: recording)
    }

    /// What the replay did: steps sent, commands the module did not answer in time.
    public var report: ReplayReport {
        var report = base
        if case .finished = phase, report.ending == nil { report.ending = .completed }
        return report
    }

    /// Nothing to prepare: the first unit goes out on the first ``nextAction(at:)``.
    public mutating func start(at time: Timestamp) {}

    /// Marks the replay as interrupted.
    public mutating func interrupt() {
        if base.ending == nil { base.ending = .interrupted }
        phase = .finished
    }

    // MARK: - Input

    /// Takes bytes the module sent at `time`.
    public mutating func receive(_ bytes: some Collection<UInt8>, at time: Timestamp) {
        guard !bytes.isEmpty else { return }
        feed(Array(bytes), direction: .modem, at: time)
        if case .frames(var wait) = phase {
            wait.received += bytes.count
            guard wait.received >= wait.expected else {
                phase = .frames(wait)
                return
            }
            base.frameMatches += 1
            advance(afterStep: cursor - 1, at: time)
            return
        }
        if case .answer(var wait) = phase, var scanner = wait.scanner {
            if scanner.feed(bytes) {
                // The prompt (or CONNECT) is there: the payload may go.
                advance(afterStep: cursor - 1, at: time)
                return
            }
            wait.scanner = scanner
            phase = .answer(wait)
        }
    }

    private mutating func feed(_ bytes: [UInt8], direction: Direction, at time: Timestamp) {
        frame += 1
        decoder.feed(TraceChunk(time: time, frame: frame, channel: recording.channel, direction: direction, bytes: bytes))
        while let record = decoder.nextRecord() { observe(record, at: time) }
    }

    /// What the live session's decoder completed. Only the line's own records steer the
    /// driver: a DLCI's traffic travels inside frames, which are awaited by their length.
    private mutating func observe(_ record: DecodedRecord, at time: Timestamp) {
        if case .transaction(let transaction) = record {
            completed[transaction.id] = transaction
            deadlines.observe(transaction)
            guard case .answer(let wait) = phase, transaction.channel == recording.channel,
                  transaction.firstFrame == wait.commandFrame else { return }
            let answered = cursor - 1
            if wait.scanner != nil, cursor < recording.steps.count, case .payload = recording.steps[cursor].unit {
                // Answered without a prompt (ERROR): the payload is not sent.
                cursor += 1
            }
            awaitURCs(ofStep: answered, sent: wait.sent, at: time)
        } else if case .urc(let urc) = record, urc.channel == recording.channel {
            urcsSinceUnit.append(urc.name)
            checkURCs(at: time)
        } else if case .mode(let mode) = record, mode.channel == recording.channel {
            isDataMode = mode.mode == .data
            switch (mode.mode, phase) {
            case (.data, _):
                startDataSession(at: time)
            case (.command, .escape), (.command, .data):
                advance(afterStep: cursor - 1, at: time)
            case (.command, _):
                break
            }
        }
    }
}
