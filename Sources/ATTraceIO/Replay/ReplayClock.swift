import ATTraceCore

/// Where a replay's I/O loop reads the time (issue 5 §2: timing through a clock protocol,
/// so tests can use a manual clock). Only intervals matter: the loop hands these times to
/// the replay state machines, never writes them to a capture.
public protocol ReplayClock: Sendable {
    func now() -> Timestamp
}

/// `CLOCK_MONOTONIC`: the clock a replay runs on (wall-clock steps do not move it).
public struct MonotonicReplayClock: ReplayClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(nanoseconds: SystemCalls.monotonicNanoseconds())
    }
}
