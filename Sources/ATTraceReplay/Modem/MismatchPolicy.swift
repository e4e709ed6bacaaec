/// What the replayed modem does with a host command the recording cannot match
/// (issue 5 §1 `--on-mismatch`; Docs/Replay.md "Matching").
public enum MismatchPolicy: String, Hashable, Sendable, CaseIterable {
    /// Answer `ERROR`, as a module answers a command it does not accept, and go on.
    case error
    /// Answer nothing (the host's own timeout will fire), and go on.
    case silent
    /// End the replay at once.
    case stop
}
