/// The four forms of an AT command (V.250 §5.4.1; quectel-ssl.md §4).
public enum CommandForm: String, Hashable, Sendable, CaseIterable {
    /// `AT+CMD=?`: list the supported values.
    case test
    /// `AT+CMD?`: report the current values.
    case read
    /// `AT+CMD=<p1>,…`: set values (for `AT+QSSLCFG` also: query one keyword).
    case write
    /// `AT+CMD`, and every basic command with or without a value (`ATE0`, `ATD*99#`).
    case exec
}

/// A set of command forms, for the catalog.
public struct CommandForms: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let test = CommandForms(rawValue: 1)
    public static let read = CommandForms(rawValue: 2)
    public static let write = CommandForms(rawValue: 4)
    public static let exec = CommandForms(rawValue: 8)
    public static let all: CommandForms = [.test, .read, .write, .exec]

    public func contains(_ form: CommandForm) -> Bool {
        switch form {
        case .test: contains(CommandForms.test)
        case .read: contains(CommandForms.read)
        case .write: contains(CommandForms.write)
        case .exec: contains(CommandForms.exec)
        }
    }
}
