import ATTraceCore

/// Counts and per-command latencies of one input, for the report header and the summary
/// line (product.md §2.2).
public struct CaptureStatistics: Sendable {
    public struct CommandStatistics: Sendable {
        public var name: String
        public var latencies = LatencyHistogram()
        /// Transactions answered with an error result, or not answered.
        public var failures = 0
        public var count = 0

        mutating func record(_ t: Transaction) {
            count += 1
            if let latency = t.latency { latencies.record(latency) }
            if t.status == .error || t.status == .unanswered { failures += 1 }
        }
    }

    public private(set) var transactions = 0
    public private(set) var urcs = 0
    public private(set) var dataRuns = 0
    public private(set) var diagnostics = 0
    public private(set) var firstTime: Timestamp?
    public private(set) var lastTime: Timestamp?
    /// Per command name, in the order the names first appeared.
    public private(set) var commandList: [CommandStatistics] = []
    /// Where each name's statistics are in ``commandList`` (a byte-hashed table: a
    /// dictionary's SipHash per transaction cost more than the statistics themselves).
    private var commandIndex = NameTable<Int>()

    /// Per command name.
    public var commands: [String: CommandStatistics] {
        Dictionary(uniqueKeysWithValues: commandList.map { ($0.name, $0) })
    }

    public init() {}

    /// Seconds from the first to the last record of the input.
    public var duration: Duration? {
        guard let firstTime, let lastTime else { return nil }
        return lastTime.since(firstTime)
    }

    mutating func observe(time: Timestamp?) {
        guard let time else { return }
        if firstTime.map({ time < $0 }) ?? true { firstTime = time }
        if lastTime.map({ time > $0 }) ?? true { lastTime = time }
    }

    mutating func observe(_ record: DecodedRecord) {
        switch record {
        case .transaction(let t):
            transactions += 1
            observe(time: t.start)
            observe(time: t.end)
            // Mutated in place: a copy would duplicate the histogram's buckets every time.
            let name = t.name
            if let index = commandIndex[name] {
                commandList[index].record(t)
            } else {
                commandIndex[name] = commandList.count
                commandList.append(CommandStatistics(name: name))
                commandList[commandList.count - 1].record(t)
            }
        case .urc(let u):
            urcs += 1
            observe(time: u.time)
        case .data(let d):
            dataRuns += 1
            observe(time: d.time)
            observe(time: d.endTime)
        case .mode(let m):
            observe(time: m.time)
        case .event(let e):
            observe(time: e.time)
        case .diagnostic(let d):
            diagnostics += 1
            observe(time: d.time)
        case .multiplexer(let m):
            observe(time: m.time)
        }
    }
}
