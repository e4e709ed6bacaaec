import ATTraceCore

/// One capture's half of a comparison (Docs/Diff.md): puts its records back in time order,
/// gives each transaction the URCs around it and the findings that point at it, and hands
/// transactions on in order once both are settled.
///
/// A transaction collects URCs until the next command of its channel starts; it then waits
/// until ``ComparisonOptions/findingDelay`` more transactions have been read, so that
/// findings raised at its final result (or shortly after) are attached. A finding that names
/// no transaction goes to the latest command of its channel before it; findings that come
/// later, or before the first command, are counted per capture.
struct ComparisonSideState: Sendable {
    private var analyzer: Analyzer?
    private var ordered = TimeOrderedBuffer()
    /// Transactions in `ordered`, not yet placed.
    private var unplaced: Set<Int> = []
    /// Per channel: the latest transaction, still collecting URCs.
    private var open: [UInt32: ComparedTransaction] = [:]
    /// Per channel: URCs before its first command.
    private(set) var preambles: [UInt32: URCTally] = [:]
    /// Transactions done with URCs, waiting for late findings (oldest first).
    private var settling: [ComparedTransaction] = []
    private var settlingHead = 0
    /// Findings of transactions still in `ordered`.
    private var pendingFindings: [Int: [Finding]] = [:]
    /// Findings compared per capture rather than per transaction.
    private(set) var captureFindings = FindingTally()
    /// Transactions ready for the aligner, in order.
    private(set) var ready: [ComparedTransaction] = []
    private let findingDelay: Int

    private(set) var firstTime: Timestamp?
    private(set) var lastTime: Timestamp?
    private(set) var transactionCount = 0
    private(set) var urcCount = 0
    private(set) var findingCount = 0
    private(set) var isFinished = false

    init(options: ComparisonOptions) {
        analyzer = options.comparesFindings ? Analyzer(catalog: options.catalog) : nil
        findingDelay = options.findingDelay
    }

    /// Transactions read and not yet handed on.
    var heldCount: Int { unplaced.count + open.count + settling.count - settlingHead + ready.count }

    mutating func consume(_ record: DecodedRecord, watermark: Timestamp?) {
        if let time = record.time {
            if firstTime == nil { firstTime = time }
            noteTime(time)
        }
        // Only transactions and URCs are compared; `if case` rather than a switch, so that
        // record kinds added to the decoder later need no change here.
        if case .transaction(let t) = record {
            if let end = t.end { noteTime(end) }
            unplaced.insert(t.id)
            ordered.insert(record)
        } else if case .urc = record {
            ordered.insert(record)
        }
        if analyzer != nil {
            analyzer!.consume(record, watermark: watermark)
            routeFindings()
        }
        releaseOrdered(before: watermark)
    }

    private mutating func noteTime(_ time: Timestamp) {
        if lastTime.map({ time > $0 }) ?? true { lastTime = time }
    }

    mutating func finish(endTime: Timestamp?) {
        if let endTime { noteTime(endTime) }
        releaseOrdered(before: nil)
        if analyzer != nil {
            analyzer!.finish(endTime: endTime ?? lastTime)
            routeFindings()
        }
        for item in open.values.sorted(by: { $0.id < $1.id }) { settle(item) }
        open.removeAll()
        while settlingHead < settling.count {
            ready.append(settling[settlingHead])
            settlingHead += 1
        }
        settling.removeAll()
        settlingHead = 0
        for id in pendingFindings.keys.sorted() {
            for finding in pendingFindings[id]! { captureFindings.add(finding) }
        }
        pendingFindings.removeAll()
        isFinished = true
    }

    /// Hands out the transactions ready for the aligner.
    mutating func takeReady() -> [ComparedTransaction] {
        defer { ready.removeAll(keepingCapacity: true) }
        return ready
    }

    // MARK: - Placing records in time order

    private mutating func releaseOrdered(before watermark: Timestamp?) {
        // Moved out while `place` mutates the rest of `self` (exclusive access).
        var buffer = ordered
        ordered = TimeOrderedBuffer()
        buffer.release(before: watermark) { place($0) }
        ordered = buffer
    }

    private mutating func place(_ record: DecodedRecord) {
        if case .transaction(let t) = record {
            transactionCount += 1
            unplaced.remove(t.id)
            var item = ComparedTransaction(t)
            if let findings = pendingFindings.removeValue(forKey: t.id) { item.findings = findings }
            if let previous = open.updateValue(item, forKey: t.channel) { settle(previous) }
        } else if case .urc(let u) = record {
            urcCount += 1
            attach(u)
        }
    }

    /// A URC belongs to the transaction it answers or interrupted when that one is still
    /// at hand, otherwise to the latest command of its channel (or to the channel's
    /// preamble before the first command).
    private mutating func attach(_ u: URCRecord) {
        if let id = u.transaction ?? u.duringTransaction {
            if open[u.channel]?.id == id {
                open[u.channel]!.urcs.add(u, isResultOfTransaction: u.transaction == id)
                return
            }
            if let index = settling[settlingHead...].lastIndex(where: { $0.id == id }) {
                settling[index].urcs.add(u, isResultOfTransaction: u.transaction == id)
                return
            }
        }
        if open[u.channel] != nil {
            open[u.channel]!.urcs.add(u, isResultOfTransaction: false)
        } else {
            preambles[u.channel, default: URCTally()].add(u, isResultOfTransaction: false)
        }
    }

    private mutating func settle(_ item: ComparedTransaction) {
        settling.append(item)
        while settling.count - settlingHead > findingDelay {
            ready.append(settling[settlingHead])
            settlingHead += 1
        }
        if settlingHead >= 256 && settlingHead * 2 >= settling.count {
            settling.removeFirst(settlingHead)
            settlingHead = 0
        }
    }

    // MARK: - Findings

    private mutating func routeFindings() {
        while let finding = analyzer!.nextFinding() {
            findingCount += 1
            guard let id = finding.transaction else {
                attachByTime(finding)
                continue
            }
            if unplaced.contains(id) {
                pendingFindings[id, default: []].append(finding)
            } else if open[finding.channel]?.id == id {
                open[finding.channel]!.findings.append(finding)
            } else if let index = settling[settlingHead...].lastIndex(where: { $0.id == id }) {
                settling[index].findings.append(finding)
            } else {
                captureFindings.add(finding)
            }
        }
    }

    /// A finding that names no transaction (`ssl.closed-by-peer` points at its URC) goes
    /// where its URC went: to the latest command of its channel sent before it.
    private mutating func attachByTime(_ finding: Finding) {
        guard let time = finding.time else {
            captureFindings.add(finding)
            return
        }
        if let latest = open[finding.channel], latest.transaction.start <= time {
            open[finding.channel]!.findings.append(finding)
        } else if let index = settling[settlingHead...].lastIndex(where: {
            $0.transaction.channel == finding.channel && $0.transaction.start <= time
        }) {
            settling[index].findings.append(finding)
        } else {
            captureFindings.add(finding)
        }
    }
}
