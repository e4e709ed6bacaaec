#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemShims

/// A raw pty pair standing in for a serial line without hardware (capture.md §6): the
/// master is the "modem" end, the slave path is the "device" a tap opens. Used by the
/// tap's tests and the proxy benchmark.
public struct PseudoTerminalPair: Sendable {
    /// The modem end.
    public let master: Int32
    /// An open slave descriptor, kept so that the master never sees a hang-up while the
    /// tap has the device closed (like socat's pty, capture.md §1).
    public let slave: Int32
    /// `/dev/pts/N`.
    public let slavePath: String

    /// Opens a pair with both ends raw (`cfmakeraw`, `VMIN=1 VTIME=0`).
    public static func open() throws(TapError) -> PseudoTerminalPair {
        let (master, slave, slavePath) = try openDescriptors()
        for descriptor in [master, slave] {
            if var settings = try? TerminalSettings.read(from: descriptor).get() {
                settings.makeRaw()
                _ = settings.apply(to: descriptor)
            }
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        return PseudoTerminalPair(master: master, slave: slave, slavePath: slavePath)
    }

    /// `openpty` and the slave's path; both descriptors are closed again on failure.
    static func openDescriptors() throws(TapError) -> (master: Int32, slave: Int32, slavePath: String) {
        var master: Int32 = -1
        var slave: Int32 = -1
        guard attrace_openpty(&master, &slave) == 0 else {
            throw .cannotCreatePseudoTerminal(reason: SystemCalls.lastErrorDescription)
        }
        var nameBuffer = [CChar](repeating: 0, count: 256)
        guard ttyname_r(slave, &nameBuffer, nameBuffer.count) == 0 else {
            let reason = SystemCalls.lastErrorDescription
            SystemCalls.closeDescriptor(master)
            SystemCalls.closeDescriptor(slave)
            throw .cannotCreatePseudoTerminal(reason: reason)
        }
        return (master, slave, SystemCalls.string(fromErrorBuffer: nameBuffer))
    }

    /// Closes the master: whoever has the slave open sees the line hang up.
    public func closeMaster() {
        SystemCalls.closeDescriptor(master)
    }

    public func closeSlave() {
        SystemCalls.closeDescriptor(slave)
    }

    public func close() {
        closeMaster()
        closeSlave()
    }
}

/// A tty opened the way an application opens a serial port, for tests and benchmarks:
/// read-write, not the controlling terminal, raw.
public enum TerminalPort {
    /// Opens `path` and makes it raw; returns the descriptor.
    public static func openRaw(_ path: String, nonBlocking: Bool = false) throws(TapError) -> Int32 {
        let descriptor = SystemCalls.openFile(path, O_RDWR | O_NOCTTY | O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0))
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: SystemCalls.lastErrorDescription) }
        if var settings = try? TerminalSettings.read(from: descriptor).get() {
            settings.makeRaw()
            _ = settings.apply(to: descriptor)
        }
        return descriptor
    }

    /// The settings of the tty behind `descriptor`.
    public static func settings(of descriptor: Int32) -> TerminalSettings? {
        try? TerminalSettings.read(from: descriptor).get()
    }

    /// Applies `settings` to the tty behind `descriptor`; `false` on failure.
    @discardableResult
    public static func apply(_ settings: TerminalSettings, to descriptor: Int32) -> Bool {
        settings.apply(to: descriptor) == nil
    }
}
