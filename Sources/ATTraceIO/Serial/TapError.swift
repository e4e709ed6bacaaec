/// Why a capture tap could not start or had to stop (product.md §2: one line on stderr,
/// exit status 2). Every case names the path it is about.
public enum TapError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The serial device (or input) cannot be opened.
    case cannotOpen(path: String, reason: String)
    /// The path exists but is not a terminal (`isatty` is false).
    case notATerminal(path: String)
    /// Another process holds the device exclusively.
    case busy(path: String)
    /// The device's line settings cannot be read or changed.
    case cannotConfigure(path: String, reason: String)
    /// A speed that the platform's termios cannot express.
    case unsupportedBaudRate(Int)
    /// No pseudo-terminal could be created.
    case cannotCreatePseudoTerminal(reason: String)
    /// The stable link to the pseudo-terminal cannot be created.
    case cannotCreateLink(path: String, reason: String)
    /// The capture file cannot be written.
    case capture(CaptureError)
    /// A system resource (pipe, thread, inotify) is not available.
    case system(what: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason)"
        case .notATerminal(let path):
            "\(path) is not a terminal (serial device or pty)"
        case .busy(let path):
            "\(path) is in use by another process (exclusive lock held); stop it or pass --shared"
        case .cannotConfigure(let path, let reason):
            "cannot configure \(path): \(reason)"
        case .unsupportedBaudRate(let rate):
            "baud rate \(rate) is not supported (use a standard rate such as 9600, 115200 or 921600)"
        case .cannotCreatePseudoTerminal(let reason):
            "cannot create a pseudo-terminal: \(reason)"
        case .cannotCreateLink(let path, let reason):
            "cannot create the link \(path): \(reason)"
        case .capture(let error):
            error.description
        case .system(let what, let reason):
            "cannot create \(what): \(reason)"
        }
    }
}
