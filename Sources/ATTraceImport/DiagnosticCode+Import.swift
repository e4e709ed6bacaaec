import ATTraceCore

/// Diagnostic codes of the text-log importers (Docs/CLI.md lists every code).
extension DiagnosticCode {
    /// A log entry is cut off (a post truncated mid-line, a missing closing quote or
    /// bracket, fewer bytes than the entry declares): its bytes are decoded as shown.
    public static let truncatedEntry = DiagnosticCode(rawValue: "truncated-entry")
    /// A text log whose times go backwards: those records took the previous time instead,
    /// so the capture's clock never runs backwards.
    public static let timeWentBackwards = DiagnosticCode(rawValue: "time-went-backwards")
    /// The log replaced payload bytes by a placeholder: their number is known, not their
    /// value.
    public static let payloadNotLogged = DiagnosticCode(rawValue: "payload-not-logged")
}
