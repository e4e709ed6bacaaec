#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import ATTraceReplay
import CSystemShims

/// `attrace replay CAPTURE --as modem --link PATH` (product.md §2, issue 5 §1): a pty at
/// `PATH` that answers the host application like the recorded module.
///
/// - The pty pair comes from ``PseudoTerminalPair`` (both ends raw) and the link from
///   ``StableLink`` (atomic, removed at the end only while it still points at this pty).
/// - The replay keeps the slave open, so the application's bytes are never lost and its
///   close and reopen are invisible (capture.md §2.4): a replay has no `app_close` to report.
/// - The clock starts when the application opens the link (inotify `IN_OPEN`; at once where
///   inotify is missing), so the recording's opening bytes (`RDY`) meet a reader.
/// - At the end the replay waits until the application has read what was sent (at most
///   ``drainTimeout``), then removes the link (product.md §7.15).
public final class ModemReplay: @unchecked Sendable {
    public let linkPath: String
    /// `/dev/pts/N`, which the link points at.
    public let slavePath: String
    /// How long the end waits for the application to read the last bytes.
    public var drainTimeout: Duration = .seconds(2)

    private let pair: PseudoTerminalPair
    private let link: StableLink
    private var loop: ReplayLoop<ModemImpersonator>

    /// Creates the pty and the link; the replay starts with ``run()``.
    public init(modem: ModemImpersonator, linkPath: String, control: TapControl,
                clock: any ReplayClock = MonotonicReplayClock(), waitsForOpen: Bool = true) throws(TapError) {
        let pair = try PseudoTerminalPair.open()
        guard attrace_make_nonblocking(pair.master) == 0 else {
            let reason = SystemCalls.lastErrorDescription
            pair.close()
            throw .cannotCreatePseudoTerminal(reason: reason)
        }
        do {
            link = try StableLink.create(at: linkPath, pointingTo: pair.slavePath)
        } catch {
            pair.close()
            throw error
        }
        self.pair = pair
        self.linkPath = linkPath
        self.slavePath = pair.slavePath
        loop = ReplayLoop(descriptor: pair.master, control: control, clock: clock, side: .modem, party: modem,
                          openWatcher: waitsForOpen ? OpenWatcher(path: pair.slavePath) : nil)
    }

    /// Serves the link until the recording is played, a mismatch stops it (`--on-mismatch
    /// stop`) or a stop is requested; then removes the link. Returns what happened.
    @discardableResult
    public func run() -> ReplayReport {
        let ending = loop.run()
        if ending == .finished { waitUntilRead() }
        loop.openWatcher?.close()
        link.remove()
        pair.close()
        return loop.party.report
    }

    /// Waits (bounded) until the application has read every byte the replay wrote. The
    /// kernel moves bytes from the master to the slave in a worker, so a count of unread
    /// bytes alone can be 0 while the last answer is still on its way; polling the slave
    /// first makes the line discipline take in what is pending (`n_tty_poll`).
    private func waitUntilRead() {
        let deadline = SystemCalls.monotonicNanoseconds() + drainTimeout.nanoseconds
        while SystemCalls.monotonicNanoseconds() < deadline {
            var slave = [pollfd(fd: pair.slave, events: Int16(POLLIN), revents: 0)]
            _ = SystemCalls.pollDescriptors(&slave, timeoutMilliseconds: 0)
            var unread: Int32 = 0
            let counted = attrace_readable_length(pair.slave, &unread) == 0
            if slave[0].revents & Int16(POLLIN) == 0 && counted && unread == 0 { return }
            var idle: [pollfd] = []
            _ = SystemCalls.pollDescriptors(&idle, timeoutMilliseconds: 5)
        }
    }
}
