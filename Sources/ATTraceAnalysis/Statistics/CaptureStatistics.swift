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
    public private(set) var commands: [String: CommandStatistics] = [:]

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
            commands[t.name, default: CommandStatistics(name: t.name)].record(t)
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
