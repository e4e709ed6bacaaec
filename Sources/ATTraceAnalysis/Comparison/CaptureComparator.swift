import ATTraceCore

/// Compares two captures transaction by transaction (Docs/Diff.md; issue 5): aligns their
/// commands per channel, and reports commands only one capture sent, different command
/// lines, reorders, different final results, responses, payloads (length and SHA-256),
/// latency changes beyond a threshold, different URCs, and findings raised in only one.
///
/// Pure and streaming: records of both captures go in as the decoder produces them, with
/// the decoder's watermark (as for ``Analyzer``); entries come out as soon as the aligner
/// has decided them. Memory is bounded by the alignment window (``SequenceAligner``) as
/// long as the caller reads from ``preferredSide``; the entries do not depend on the order
/// in which the two captures are read.
///
///     var comparator = CaptureComparator()
///     while let side = comparator.preferredSide {
///         if let (record, watermark) = next(side) {
///             comparator.consume(record, from: side, watermark: watermark)
///         } else {
///             comparator.finish(side)
///         }
///         while let entry = comparator.nextEntry() { … }
///     }
///     comparator.summary   // counts, after both sides finished
public struct CaptureComparator: Sendable {
    public let options: ComparisonOptions
    public private(set) var summary = ComparisonSummary()

    private var sideA: ComparisonSideState
    private var sideB: ComparisonSideState
    /// One aligner per channel, in channel order.
    private var channels: [UInt32] = []
    private var aligners: [SequenceAligner<ComparedTransaction>] = []
    private var entries: [ComparisonEntry] = []
    private var entryHead = 0

    public init(options: ComparisonOptions = ComparisonOptions()) {
        self.options = options
        sideA = ComparisonSideState(options: options)
        sideB = ComparisonSideState(options: options)
    }

    // MARK: - Input

    /// Takes one decoded record of `side`. `watermark` is that capture's decoder watermark
    /// (`nil` when the records are already in time order, or at the end).
    public mutating func consume(_ record: DecodedRecord, from side: ComparisonSide, watermark: Timestamp?) {
        switch side {
        case .a: sideA.consume(record, watermark: watermark)
        case .b: sideB.consume(record, watermark: watermark)
        }
        align(side)
    }

    /// Ends the input of `side`; `endTime` is its last record's time (the latest record
    /// time seen when `nil`). Once both sides finished, the remaining entries, the
    /// capture-level entries and the complete ``summary`` are available.
    public mutating func finish(_ side: ComparisonSide, endTime: Timestamp? = nil) {
        switch side {
        case .a:
            guard !sideA.isFinished else { return }
            sideA.finish(endTime: endTime)
        case .b:
            guard !sideB.isFinished else { return }
            sideB.finish(endTime: endTime)
        }
        align(side)
        for index in aligners.indices { aligners[index].finish(side) }
        drain()
        if sideA.isFinished && sideB.isFinished { finishComparison() }
    }

    /// The capture to read next: the one with fewer transactions waiting, so neither side
    /// runs ahead of the other; `nil` once both finished.
    public var preferredSide: ComparisonSide? {
        switch (sideA.isFinished, sideB.isFinished) {
        case (true, true): return nil
        case (true, false): return .b
        case (false, true): return .a
        case (false, false): return held(.a) <= held(.b) ? .a : .b
        }
    }

    /// The next entry, in alignment order per channel.
    public mutating func nextEntry() -> ComparisonEntry? {
        guard entryHead < entries.count else {
            entries.removeAll(keepingCapacity: true)
            entryHead = 0
            return nil
        }
        defer { entryHead += 1 }
        return entries[entryHead]
    }

    /// Compares two complete record lists (tests, small captures). Records may be in
    /// completion order: they are put in time order first.
    public static func compare(_ a: [DecodedRecord], _ b: [DecodedRecord],
                               options: ComparisonOptions = ComparisonOptions()) -> (entries: [ComparisonEntry], summary: ComparisonSummary) {
        var comparator = CaptureComparator(options: options)
        var entries: [ComparisonEntry] = []
        for (side, records) in [(ComparisonSide.a, a), (.b, b)] {
            var ordered = TimeOrderedBuffer(capacity: .max)
            for record in records { ordered.insert(record) }
            ordered.release(before: nil) { comparator.consume($0, from: side, watermark: nil) }
            while let entry = comparator.nextEntry() { entries.append(entry) }
        }
        comparator.finish(.a)
        comparator.finish(.b)
        while let entry = comparator.nextEntry() { entries.append(entry) }
        return (entries, comparator.summary)
    }

    // MARK: - Alignment

    private func held(_ side: ComparisonSide) -> Int {
        var count = side == .a ? sideA.heldCount : sideB.heldCount
        for aligner in aligners { count += aligner.queuedCount(side) }
        return count
    }

    /// Moves `side`'s settled transactions into their channels' aligners and takes out
    /// what the aligners decided.
    private mutating func align(_ side: ComparisonSide) {
        let ready = side == .a ? sideA.takeReady() : sideB.takeReady()
        guard !ready.isEmpty else { return }
        for item in ready {
            let index = alignerIndex(for: item.transaction.channel)
            aligners[index].append(item, key: AlignmentKey(item.transaction), size: item.size, to: side)
        }
        drain()
    }

    private mutating func alignerIndex(for channel: UInt32) -> Int {
        if let index = channels.firstIndex(of: channel) { return index }
        var aligner = SequenceAligner<ComparedTransaction>(window: options.window, windowBytes: options.windowBytes)
        if sideA.isFinished { aligner.finish(.a) }
        if sideB.isFinished { aligner.finish(.b) }
        let index = channels.firstIndex(where: { $0 > channel }) ?? channels.count
        channels.insert(channel, at: index)
        aligners.insert(aligner, at: index)
        return index
    }

    private mutating func drain() {
        for index in aligners.indices {
            while let step = aligners[index].next() {
                record(step, channel: channels[index])
            }
        }
    }

    private mutating func record(_ step: AlignmentStep<ComparedTransaction>, channel: UInt32) {
        switch step {
        case .pair(let x, let y, let match, let isReordered):
            summary.aligned += 1
            let differences = filtered(compare(x, y, match: match, isReordered: isReordered))
            if differences.isEmpty { summary.identical += 1 }
            if !differences.isEmpty || options.reportsIdenticalPairs {
                entries.append(ComparisonEntry(channel: channel, a: x.transaction, b: y.transaction, match: match,
                                               differences: differences))
            }
        case .onlyInA(let x):
            let differences = filtered([.onlyIn(.a)] + findingDifferences(x.findings, []))
            guard !differences.isEmpty else { return }
            entries.append(ComparisonEntry(channel: channel, a: x.transaction, b: nil, match: nil, differences: differences))
        case .onlyInB(let y):
            let differences = filtered([.onlyIn(.b)] + findingDifferences([], y.findings))
            guard !differences.isEmpty else { return }
            entries.append(ComparisonEntry(channel: channel, a: nil, b: y.transaction, match: nil, differences: differences))
        }
    }

    /// Drops ignored kinds and counts the rest.
    private mutating func filtered(_ differences: [Difference]) -> [Difference] {
        let kept = options.ignoredKinds.isEmpty ? differences : differences.filter { !options.ignoredKinds.contains($0.kind) }
        for difference in kept { summary.counts[difference.kind, default: 0] += 1 }
        return kept
    }

    /// Both sides ended: URCs before the first command of each channel, findings outside
    /// the compared transactions, and the totals.
    private mutating func finishComparison() {
        let preambleChannels = Set(sideA.preambles.keys).union(sideB.preambles.keys).sorted()
        for channel in preambleChannels {
            let urcs = URCTally.differences(sideA.preambles[channel] ?? URCTally(), sideB.preambles[channel] ?? URCTally())
            let differences = filtered(urcs.isEmpty ? [] : [.urcs(urcs)])
            if !differences.isEmpty {
                entries.append(ComparisonEntry(channel: channel, a: nil, b: nil, match: nil, differences: differences))
            }
        }
        let findings = filtered(FindingTally.differences(sideA.captureFindings, sideB.captureFindings).map { .finding($0) })
        if !findings.isEmpty {
            entries.append(ComparisonEntry(channel: 0, a: nil, b: nil, match: nil, differences: findings))
        }
        summary.transactionsA = sideA.transactionCount
        summary.transactionsB = sideB.transactionCount
        summary.urcsA = sideA.urcCount
        summary.urcsB = sideB.urcCount
        summary.findingsA = sideA.findingCount
        summary.findingsB = sideB.findingCount
        summary.durationA = Self.duration(sideA.firstTime, sideA.lastTime)
        summary.durationB = Self.duration(sideB.firstTime, sideB.lastTime)
    }

    private static func duration(_ first: Timestamp?, _ last: Timestamp?) -> Duration {
        guard let first, let last else { return .zero }
        return last.since(first)
    }
}
