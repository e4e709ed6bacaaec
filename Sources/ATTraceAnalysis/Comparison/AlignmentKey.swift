import ATTraceCore

/// What the aligner compares (Docs/Diff.md "Alignment"): an exact key (the command line)
/// and a loose one (the command's name and form), as 64-bit FNV-1a hashes so that a window
/// scan compares integers, not byte strings.
///
/// Equal keys are taken as equal commands. Two different command lines with the same 64-bit
/// hash would be aligned as if they were the same line; the comparator still compares the
/// lines themselves and reports a `command` difference, so a collision cannot hide one.
public struct AlignmentKey: Hashable, Sendable {
    /// Hash of the command line as sent (without its terminator).
    public var exact: UInt64
    /// Hash of the first command's canonical name and form (`AT+QSSLOPEN` write).
    public var loose: UInt64

    public init(exact: UInt64, loose: UInt64) {
        self.exact = exact
        self.loose = loose
    }

    /// The keys of a transaction.
    public init(_ transaction: Transaction) {
        exact = FNV1a64.hash(transaction.commandLine)
        var loose = FNV1a64()
        loose.combine(transaction.name.utf8)
        loose.combine(CollectionOfOne(0))
        loose.combine(transaction.form.rawValue.utf8)
        self.loose = loose.value
    }
}
