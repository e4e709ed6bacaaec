import ATTraceCore

/// The analysis layer (product.md §2.2, §4): decoded records in, findings out.
///
/// Pure: no I/O, no clock. Records arrive in the decoder's completion order; the analyzer
/// splits each transaction into a *command* event (at its start, when preconditions are
/// checked) and a *completion* event (at its final result, when its effects apply), and
/// processes all events in time order up to the decoder's watermark — so a URC that arrived
/// while a command was pending is seen between the two.
///
///     var analyzer = Analyzer()
///     analyzer.consume(record, watermark: decoder.watermark)   // for every record
///     analyzer.finish(endTime: lastRecordTime)
///     while let finding = analyzer.nextFinding() { … }
public struct Analyzer: Sendable {
    public let catalog: CommandCatalog
    /// ``CommandFacts`` of the catalog's commands.
    private let commandFacts: NameTable<CommandFacts>
    /// Only these rules are reported (all when `nil`).
    public var enabledRules: Set<FindingID>?
    public private(set) var statistics = CaptureStatistics()

    var state = ModuleState()
    var deadlines = DeadlineContext()
    var expectations: [Expectation] = []
    /// A `result.error` of an SSL or TCP/IP command waits for a following `AT+QIGETERROR`.
    var unexplainedError: (finding: Finding, transaction: Int)? {
        didSet { unexplainedErrorTransaction = unexplainedError?.transaction }
    }
    /// The transaction of ``unexplainedError``, read after every command without copying the
    /// finding.
    var unexplainedErrorTransaction: Int?
    var hasSeenTransaction = false
    var reportedUnknownCommands: Set<String> = []
    /// Findings reported so far (before `--rules` filtering): a check that leaves it
    /// unchanged found nothing.
    var reportCount = 0
    /// Command lines whose syntax check found nothing (``CleanLineMemo``).
    var cleanCommandLines = CleanLineMemo()
    /// The state an SSL client had before an `AT+QSSLOPEN`, restored if the open is refused.
    var openAttempts: [Int: (Int64, SSLClient?)] = [:]
    /// The last command of the latest line sent, when it can ask for a restart (`AT+QPOWD`,
    /// `AT+CFUN=1,1`): that restart is expected. Kept only then, so that no transaction is
    /// held (and retained) from one line to the next.
    var restartRequest: ATCommand?
    /// Final-result times of recent transactions: a pipelined command's response time runs
    /// from the previous command's answer, when the module could start on it.
    var recentFinals = RecentFinals()
    /// The last undecodable module output, to report a burst of garbage once.
    var lastUndecodable: Timestamp?
    var now: Timestamp?

    private var events: [(key: Timestamp, sequence: Int, event: AnalysisEvent)] = []
    /// The watermark of the record being consumed.
    private var currentWatermark: Timestamp?
    private var eventHead = 0
    private var sequence = 0
    private var findings: [Finding] = []
    private var findingHead = 0

    /// The default catalog is a copy of its own (``CommandCatalog/makeStandard()``): the
    /// analyzer usually runs beside the decoder, on another core.
    public init(catalog: CommandCatalog = .makeStandard(), enabledRules: Set<FindingID>? = nil) {
        self.catalog = catalog
        self.enabledRules = enabledRules
        commandFacts = CommandFacts.table(catalog)
    }

    /// The facts of the command named `name`: from the table, or for a name outside the
    /// catalog's table (an S-register, an unknown command) from the catalog itself.
    func facts(_ name: String) -> CommandFacts {
        commandFacts[name] ?? CommandFacts(followed: FollowedCommand(name), spec: catalog.command(name))
    }

    /// What the analyzer reacts to, in time order.
    enum AnalysisEvent: Sendable {
        /// A transaction with the facts of its first command.
        case command(Transaction, CommandFacts)
        case completion(Transaction, CommandFacts)
        case urc(URCRecord)
        case mode(ModeSwitch)
        case data(DataRun)
        case diagnostic(Diagnostic)
        case event(RecorderEvent)
    }

    /// An asynchronous result the capture should show by `deadline`.
    struct Expectation: Sendable {
        var urc: String
        var subtype: String?
        var key: String?
        var keyField: Int?
        var deadline: Timestamp
        var transaction: Transaction
        var client: Int64?
    }

    // MARK: - Input

    /// Takes one decoded record. `watermark` is the decoder's: no record still to come sorts
    /// before it (`nil` at the end of the input).
    public mutating func consume(_ record: DecodedRecord, watermark: Timestamp?) {
        currentWatermark = watermark
        defer { currentWatermark = nil }
        statistics.observe(record)
        switch record {
        case .transaction(let t):
            // One lookup for both events: the first command's facts stand for the line. An
            // event handled at once is not built: building it would retain the transaction,
            // whose reference count the decoding thread's core owns.
            let facts = facts(t.name)
            if handlesNow(at: t.start) {
                advanceClock(to: t.start)
                commandSent(t, facts)
            } else {
                enqueue(.command(t, facts), at: t.start)
            }
            let completion = Self.completionTime(of: t)
            if handlesNow(at: completion) {
                advanceClock(to: completion)
                commandCompleted(t, facts)
            } else {
                enqueue(.completion(t, facts), at: completion)
            }
        case .urc(let u): enqueue(.urc(u), at: u.time)
        case .mode(let m): enqueue(.mode(m), at: m.time)
        case .data(let d): enqueue(.data(d), at: d.time)
        case .diagnostic(let d): enqueue(.diagnostic(d), at: d.time ?? now ?? Timestamp(nanoseconds: 0))
        case .event(let e): enqueue(.event(e), at: e.time)
        case .multiplexer:
            // The CMUX layer itself raises nothing; its DLCIs' traffic arrives as the records
            // of their channels, and damaged frames as diagnostics.
            break
        }
        process(before: watermark)
    }

    /// Ends the input at `endTime` (the last record's time): open expectations and states
    /// are judged against it.
    public mutating func finish(endTime: Timestamp?) {
        process(before: nil)
        let end = endTime ?? statistics.lastTime ?? now
        if let end { advanceClock(to: end) }
        flushUnexplainedError()
        finishSSL(endTime: end)
        finishSockets(endTime: end)
        for expectation in expectations {
            // The capture ended before the deadline: not seen in this capture, no finding.
            _ = expectation
        }
        expectations.removeAll()
    }

    /// `true` when ``nextFinding()`` has a finding to return (cheaper to ask after every
    /// record than to take an empty optional).
    public var hasFindings: Bool { findingHead < findings.count }

    /// The next finding, in the order they were determined (roughly time order).
    public mutating func nextFinding() -> Finding? {
        guard findingHead < findings.count else { return nil }
        let finding = findings[findingHead]
        findingHead += 1
        // Emptied as soon as the last one is taken: a caller that asks ``hasFindings`` first
        // never calls this on an empty queue, and the queue would grow with the input.
        if findingHead == findings.count {
            findings.removeAll(keepingCapacity: true)
            findingHead = 0
        }
        return finding
    }

    /// Findings held for the caller, taken or not (bounded when they are taken as they come).
    var heldFindingCount: Int { findings.count }

    // MARK: - Ordering

    static func completionTime(of t: Transaction) -> Timestamp {
        if let time = t.finalTime { return time }
        switch t.abandonment {
        case .nextCommand(let time)?, .restart(let time)?, .endOfInput(let time)?: return time
        case nil: return t.end ?? t.start
        }
    }

    /// Nothing waits and nothing earlier can come (the usual case): an event at `time` is
    /// handled now.
    private func handlesNow(at time: Timestamp) -> Bool {
        eventHead == events.count && (currentWatermark.map { time < $0 } ?? true)
    }

    private mutating func enqueue(_ event: AnalysisEvent, at time: Timestamp) {
        if handlesNow(at: time) {
            handle(event, at: time)
            return
        }
        sequence += 1
        // Mostly in order already: insert from the back.
        var index = events.count
        while index > eventHead, (events[index - 1].key, events[index - 1].sequence) > (time, sequence) { index -= 1 }
        events.insert((time, sequence, event), at: index)
    }

    private mutating func process(before watermark: Timestamp?) {
        while eventHead < events.count {
            let item = events[eventHead]
            if let watermark, item.key >= watermark { break }
            eventHead += 1
            handle(item.event, at: item.key)
        }
        if eventHead > 1024 && eventHead * 2 > events.count {
            events.removeFirst(eventHead)
            eventHead = 0
        }
    }

    private mutating func handle(_ event: AnalysisEvent, at time: Timestamp) {
        advanceClock(to: time)
        switch event {
        case .command(let t, let facts): commandSent(t, facts)
        case .completion(let t, let facts): commandCompleted(t, facts)
        case .urc(let u): urcArrived(u)
        case .mode(let m): modeSwitched(m)
        case .data: break
        case .diagnostic(let d): diagnosticSeen(d)
        case .event(let e): recorderEvent(e)
        }
    }

    /// Time moves on: expectations whose deadline passed are timeouts.
    mutating func advanceClock(to time: Timestamp) {
        if now.map({ time > $0 }) ?? true { now = time }
        guard !expectations.isEmpty else { return }
        var index = 0
        while index < expectations.count {
            if expectations[index].deadline < time {
                let expectation = expectations.remove(at: index)
                raiseURCTimeout(expectation)
            } else {
                index += 1
            }
        }
    }

    // MARK: - Output

    mutating func report(_ finding: Finding) {
        reportCount += 1
        if let enabledRules, !enabledRules.contains(finding.rule) { return }
        findings.append(finding)
    }

    /// Lowers the severity of the finding just reported (a normal close reported by a
    /// status URC is information, not a warning).
    mutating func lowerLastFinding(of rule: FindingID, to severity: Severity) {
        guard findings.count > findingHead, findings[findings.count - 1].rule == rule else { return }
        findings[findings.count - 1].severity = severity
    }

    mutating func report(_ rule: FindingID, _ message: String, at t: Transaction, client: Int64? = nil,
                         context: Int64? = nil, time: Timestamp? = nil, severity: Severity? = nil) {
        report(Finding(rule, time: time ?? t.start, frame: t.firstFrame, message: message, transaction: t.id,
                       commandLine: t.commandLine, client: client.map(Int.init), context: context.map(Int.init),
                       channel: t.channel, severity: severity))
    }

    mutating func report(_ rule: FindingID, _ message: String, at location: Finding.Location, client: Int64? = nil,
                         context: Int64? = nil, channel: UInt32) {
        report(Finding(rule, time: location.time, frame: location.frame, message: message,
                       transaction: location.transaction, client: client.map(Int.init), context: context.map(Int.init),
                       channel: channel))
    }

    mutating func report(_ rule: FindingID, _ message: String, at urc: URCRecord, client: Int64? = nil,
                         context: Int64? = nil, transaction: Int? = nil) {
        report(Finding(rule, time: urc.time, frame: urc.frame, message: message, transaction: transaction,
                       client: client.map(Int.init), context: context.map(Int.init), channel: urc.channel))
    }
}
