#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemShims

/// A real tty the tap owns (capture.md §2.6, §2.9, §5.2): opened non-blocking and without
/// becoming the controlling terminal, optionally exclusive (`TIOCEXCL` and `flock`), made
/// raw, and restored to the settings it had when the tap leaves.
final class SerialDevice {
    let path: String
    let descriptor: Int32
    /// The settings found at open, restored by ``restore()``.
    let originalSettings: TerminalSettings
    /// The settings the tap applied last.
    private(set) var settings: TerminalSettings
    /// Modem lines at open; `nil` when the device has none (a pty).
    let initialModemLines: ModemLines?
    let isExclusive: Bool

    private init(path: String, descriptor: Int32, originalSettings: TerminalSettings, isExclusive: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.originalSettings = originalSettings
        self.settings = originalSettings
        self.isExclusive = isExclusive
        self.initialModemLines = ModemLines.read(from: descriptor)
    }

    /// Opens `path` read-write (proxy) or read-only (sniff). Never blocks on DCD.
    static func open(path: String, readOnly: Bool, exclusive: Bool) throws(TapError) -> SerialDevice {
        let flags = (readOnly ? O_RDONLY : O_RDWR) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC
        let descriptor = SystemCalls.openFile(path, flags)
        guard descriptor >= 0 else {
            if errno == EBUSY { throw .busy(path: path) }
            throw .cannotOpen(path: path, reason: SystemCalls.lastErrorDescription)
        }
        guard isatty(descriptor) == 1 else {
            SystemCalls.closeDescriptor(descriptor)
            throw .notATerminal(path: path)
        }
        if exclusive {
            // flock is advisory but is what tio, pyserial and minicom check; TIOCEXCL
            // stops other non-root openers in the kernel (root bypasses it).
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK {
                SystemCalls.closeDescriptor(descriptor)
                throw .busy(path: path)
            }
            _ = attrace_set_exclusive(descriptor, 1)
        }
        let original: TerminalSettings
        switch TerminalSettings.read(from: descriptor) {
        case .success(let settings): original = settings
        case .failure(let failure):
            SystemCalls.closeDescriptor(descriptor)
            throw .cannotConfigure(path: path, reason: failure.description)
        }
        return SerialDevice(path: path, descriptor: descriptor, originalSettings: original, isExclusive: exclusive)
    }

    /// Applies `newSettings` now.
    func configure(_ newSettings: TerminalSettings) throws(TapError) {
        if let failure = newSettings.apply(to: descriptor) {
            throw .cannotConfigure(path: path, reason: failure.description)
        }
        settings = newSettings
    }

    /// Waits (at most `timeoutNanoseconds`) until the bytes already written have left, so
    /// that a speed change does not apply to them (capture.md §2.3). `tcdrain` could wait
    /// forever on a port held by CTS.
    func drainOutput(timeoutNanoseconds: Int64) {
        let deadline = SystemCalls.monotonicNanoseconds() + timeoutNanoseconds
        var pending: Int32 = 0
        while attrace_output_queue_length(descriptor, &pending) == 0 && pending > 0
            && SystemCalls.monotonicNanoseconds() < deadline {
            usleep(1000)
        }
    }

    /// Puts back the settings found at open (best effort: the device may be gone).
    func restore() {
        _ = originalSettings.apply(to: descriptor)
    }

    func close() {
        if isExclusive { _ = attrace_set_exclusive(descriptor, 0) }
        SystemCalls.closeDescriptor(descriptor)
    }

    /// Processes other than this one that have `path` open (ModemManager, gpsd, …), as
    /// `"pid (name)"`, found through `/proc/*/fd` (capture.md §2.6).
    static func otherHolders(of path: String) -> [String] {
        #if os(Linux)
        guard let target = realPath(path), let processes = opendir("/proc") else { return [] }
        defer { closedir(processes) }
        let ownPID = getpid()
        var holders: [String] = []
        while let entry = readdir(processes) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name), pid != ownPID else { continue }
            let directory = "/proc/\(name)/fd"
            guard let descriptors = opendir(directory) else { continue }
            var holds = false
            while !holds, let descriptorEntry = readdir(descriptors) {
                let descriptorName = withUnsafeBytes(of: descriptorEntry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                holds = StableLink.destination(of: "\(directory)/\(descriptorName)") == target
            }
            closedir(descriptors)
            if holds {
                holders.append("\(pid) (\(SysfsFile.read("/proc/\(name)/comm") ?? "?"))")
            }
        }
        return holders
        #else
        return []
        #endif
    }

    /// The canonical path of `path` (links resolved), or `nil`.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
