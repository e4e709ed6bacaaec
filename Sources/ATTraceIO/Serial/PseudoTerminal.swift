#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemShims

/// The application side of the proxy (capture.md §2.1–§2.4, §5.2 A): a pty whose slave
/// the application opens, while the tap holds only the master.
///
/// - The slave starts with the device's own settings, so the application sees what it
///   would see on the real port; `EXTPROC` is added only when those are raw, because on a
///   cooked slave it disables echo and line editing.
/// - The master is in packet mode (`TIOCPKT`): each read starts with a status byte, and a
///   termios change shows up as `TIOCPKT_IOCTL` while `EXTPROC` is set.
/// - The tap opens and closes the slave once, which arms `POLLHUP`/`EIO` on the master
///   while no application has it open. It never keeps a slave descriptor: that would hide
///   the application's close and hand stale bytes to the next opener (§2.4).
final class PseudoTerminal {
    let master: Int32
    /// `/dev/pts/N`.
    let slavePath: String

    private init(master: Int32, slavePath: String) {
        self.master = master
        self.slavePath = slavePath
    }

    /// Creates the pty; `devicePath`'s owner, group and mode are copied to the slave so that
    /// an application allowed to open the device may open the pty (capture.md §2.9).
    static func create(initialSettings: TerminalSettings, permissionsFrom devicePath: String?) throws(TapError) -> PseudoTerminal {
        let (master, slave, slavePath) = try PseudoTerminalPair.openDescriptors()
        var settings = initialSettings
        let extendedProcessing = tcflag_t(attrace_extproc_flag())
        settings.setExternalProcessing(initialSettings.isRaw && extendedProcessing != 0, flag: extendedProcessing)
        _ = settings.apply(to: slave)
        guard attrace_set_packet_mode(master, 1) == 0 else {
            let reason = SystemCalls.lastErrorDescription
            SystemCalls.closeDescriptor(master)
            SystemCalls.closeDescriptor(slave)
            throw .cannotCreatePseudoTerminal(reason: "packet mode: \(reason)")
        }
        if let devicePath {
            var status = stat()
            if stat(devicePath, &status) == 0 {
                // Only root may give the slave away; the mode is enough for the same user.
                _ = fchown(slave, status.st_uid, status.st_gid)
                _ = fchmod(slave, status.st_mode & 0o7777)
            }
        }
        SystemCalls.closeDescriptor(slave)
        guard attrace_make_nonblocking(master) == 0 else {
            let reason = SystemCalls.lastErrorDescription
            SystemCalls.closeDescriptor(master)
            throw .cannotCreatePseudoTerminal(reason: reason)
        }
        return PseudoTerminal(master: master, slavePath: slavePath)
    }

    /// The application's current settings (termios ioctls on the master act on the slave).
    var settings: TerminalSettings? {
        try? TerminalSettings.read(from: master).get()
    }

    /// Throws away bytes written to the application but not read by it, so that the next
    /// opener starts clean as on a real port (capture.md §2.4). `TCOFLUSH` on the master
    /// empties only the flip buffers; the slave's line discipline keeps what it already
    /// took in, so the slave is opened for an instant to flush its input. That open and
    /// close re-arm the hang-up; the caller ignores the inotify event it causes.
    func discardUndeliveredOutput() {
        _ = tcflush(master, TCOFLUSH)
        let slave = SystemCalls.openFile(slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard slave >= 0 else { return }
        _ = tcflush(slave, TCIFLUSH)
        SystemCalls.closeDescriptor(slave)
    }

    /// Whether an application has the slave open now, and whether the master has bytes.
    func probe() -> (applicationOpen: Bool, readable: Bool) {
        var descriptors = [pollfd(fd: master, events: Int16(POLLIN | POLLPRI), revents: 0)]
        _ = SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: 0)
        let events = Int32(descriptors[0].revents)
        return (events & Int32(POLLHUP) == 0, events & Int32(POLLIN | POLLPRI) != 0)
    }

    func close() {
        SystemCalls.closeDescriptor(master)
    }
}
