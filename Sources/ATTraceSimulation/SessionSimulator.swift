import ATTraceCore

/// An endless, deterministic stream of realistic EC25 serial traffic for the benchmark
/// (product.md §5; modelled on the generator of reference/formats.md §7.1 and extended
/// with the data paths of quectel-ssl.md §3 and catalog.md §3).
///
/// Sessions follow one another on channel 0: SSL in buffer, direct-push and transparent
/// mode, TCP with `AT+QIRD`, HTTP GET with `AT+QHTTPREAD`, with configuration and status
/// commands around them, URCs in between, and the errors of ``SimulatorConfiguration``.
/// Each record is one `read()` of the serial line: echo is usually glued to the response,
/// some responses arrive in two reads, some payloads are written in two chunks. Times
/// advance by the serial time of every byte (115200 baud, 8N1) plus command latencies
/// (milliseconds for `OK`, seconds for `AT+QIACT` and `AT+QSSLOPEN`).
///
/// The same seed always gives the same records. A whole session is generated at once into
/// a reused buffer, from byte templates, so the stream costs little more than the
/// allocation of each record's bytes.
public struct SessionSimulator: IteratorProtocol, Sendable {
    public let configuration: SimulatorConfiguration
    public internal(set) var statistics = SimulatorStatistics()

    var generator: SplitMix64
    /// The simulated clock (nanoseconds since the epoch): when the last byte so far was read.
    var now: Int64
    var nextFrame = 1
    /// Records of the current session; `head` is the next one to return.
    var queue: [CaptureRecord] = []
    var head = 0
    let nanosecondsPerByte: Int64
    /// Session kinds repeated by weight, for a uniform pick.
    let kindTable: [SessionKind]

    // Module state that outlives a session.
    var isEchoOn = false
    var isContextActive = false
    /// The command line the module will echo before its next output (ATE1).
    var pendingEcho: [UInt8]?
    /// This session's share of responses delivered in two reads.
    var splitResponsePerMille = 100

    public init(seed: UInt64, start: Timestamp = TraceScript.defaultStart,
                configuration: SimulatorConfiguration = .standard) {
        self.configuration = configuration
        self.generator = SplitMix64(seed: seed)
        self.now = start.nanoseconds
        self.nanosecondsPerByte = 10_000_000_000 / Int64(Swift.max(configuration.baudRate, 1))
        var table: [SessionKind] = []
        for kind in SessionKind.allCases {
            let weight = configuration.sessionWeights[kind] ?? 0
            table.append(contentsOf: repeatElement(kind, count: Swift.max(weight, 0)))
        }
        self.kindTable = table.isEmpty ? [.sslBuffer] : table
        queue.reserveCapacity(256)
    }

    /// The next record; never `nil` (the stream is endless).
    public mutating func next() -> CaptureRecord? {
        while head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
            generateSession()
        }
        let record = queue[head]
        head += 1
        statistics.records += 1
        if case .chunk(let chunk) = record {
            if chunk.direction == .host {
                statistics.hostBytes += chunk.bytes.count
            } else {
                statistics.modemBytes += chunk.bytes.count
            }
        }
        return record
    }

    /// The simulated time of the last record generated so far.
    public var currentTime: Timestamp {
        Timestamp(nanoseconds: now)
    }
}
