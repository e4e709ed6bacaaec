import ATTraceCore

/// What a replayed side asks its I/O layer to do next (aesthetics.md §9 rule 5: the state
/// machine decides, the caller acts).
public enum ReplayAction: Hashable, Sendable {
    /// Write these bytes to the other side now.
    case send([UInt8])
    /// Nothing to write before this time (or before the other side sends, when `nil`).
    case wait(until: Timestamp?)
    /// The replay is over: the recording was played to its end, or it was stopped.
    case finished
}

/// A replayed side of the serial line: the modem (``ModemImpersonator``) or the host
/// (``HostDriver``). The I/O layer runs either over a descriptor the same way.
public protocol ReplayParty: Sendable {
    /// Starts the clock.
    mutating func start(at time: Timestamp)
    /// Takes bytes the other side wrote at `time`.
    mutating func receive(_ bytes: some Collection<UInt8>, at time: Timestamp)
    /// What to do now.
    mutating func nextAction(at now: Timestamp) -> ReplayAction
    /// Ends the replay early (a signal, the line went away).
    mutating func interrupt()
    var report: ReplayReport { get }
}
