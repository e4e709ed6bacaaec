import ATTraceCore

/// The times a capture tap stamps on its records (capture.md §5.4): `CLOCK_REALTIME` in
/// nanoseconds, taken right after each `read()`.
///
/// Records must never go back in time: the append scanner treats an earlier record as the
/// start of a torn tail, and readers expect file order to be time order. So when the wall
/// clock steps back (NTP at boot on a field unit), the clock keeps counting on from the
/// last stamp with `CLOCK_MONOTONIC` and reports the step once, for a `clock_step` event
/// (capture.md §5.1: never reorder).
struct TapClock {
    /// How far the wall clock may run behind the monotonic estimate before it is a step.
    static let stepTolerance: Int64 = 1_000_000
    /// How far it may run ahead (after the machine slept, or a forward step).
    static let forwardStepTolerance: Int64 = 1_000_000_000

    private var lastStamp: Int64
    private var lastMonotonic: Int64
    /// Added to the wall clock once it has stepped back.
    private(set) var offset: Int64 = 0
    private let realtime: () -> Int64
    private let monotonic: () -> Int64

    /// - Parameter notBefore: the last time already in the file (appending).
    init(notBefore: Timestamp? = nil,
         realtime: @escaping () -> Int64 = SystemCalls.realtimeNanoseconds,
         monotonic: @escaping () -> Int64 = SystemCalls.monotonicNanoseconds) {
        self.realtime = realtime
        self.monotonic = monotonic
        self.lastMonotonic = monotonic()
        let now = realtime()
        if let notBefore, notBefore.nanoseconds > now {
            offset = notBefore.nanoseconds - now
        }
        self.lastStamp = max(now, notBefore?.nanoseconds ?? now)
    }

    /// The difference `CLOCK_REALTIME − CLOCK_MONOTONIC` now, for the start event.
    func realtimeMinusMonotonic() -> Int64 {
        realtime() - monotonic()
    }

    /// The time for a record read now, and the size of a wall-clock step detected since the
    /// previous call (negative: backwards), if any.
    mutating func now() -> (time: Timestamp, step: Int64?) {
        let monotonicNow = monotonic()
        let expected = lastStamp &+ (monotonicNow &- lastMonotonic)
        var stamp = realtime() &+ offset
        var step: Int64?
        if stamp < expected - Self.stepTolerance {
            step = stamp - expected
            offset += expected - stamp
            stamp = expected
        } else if stamp > expected + Self.forwardStepTolerance {
            step = stamp - expected
        }
        stamp = max(stamp, lastStamp)
        lastStamp = stamp
        lastMonotonic = monotonicNow
        return (Timestamp(nanoseconds: stamp), step)
    }
}
