import ATTraceCore

/// How ``CaptureComparator`` compares (Docs/Diff.md; `attrace diff` options).
public struct ComparisonOptions: Sendable {
    /// When a latency change is reported.
    public var latencyThreshold: LatencyThreshold
    /// Commands per side the aligner considers at once where the captures differ
    /// (``SequenceAligner/window``).
    public var window: Int
    /// Payload and response bytes per side that also end a window.
    public var windowBytes: Int
    /// A transaction's findings are those the analyzer raised by the time this many later
    /// transactions of the same capture were read; later ones are compared per capture.
    public var findingDelay: Int
    /// Kinds neither reported nor counted (`--ignore`).
    public var ignoredKinds: Set<DifferenceKind>
    /// Also hand out pairs without differences (`--all`).
    public var reportsIdenticalPairs: Bool
    /// Compare findings (runs the analyzer on both captures).
    public var comparesFindings: Bool
    public var catalog: CommandCatalog

    public init(latencyThreshold: LatencyThreshold = .standard, window: Int = SequenceAligner<Int>.defaultWindow,
                windowBytes: Int = SequenceAligner<Int>.defaultWindowBytes, findingDelay: Int = 16,
                ignoredKinds: Set<DifferenceKind> = [], reportsIdenticalPairs: Bool = false,
                comparesFindings: Bool = true, catalog: CommandCatalog = .standard) {
        self.latencyThreshold = latencyThreshold
        self.window = window
        self.windowBytes = windowBytes
        self.findingDelay = max(1, findingDelay)
        self.ignoredKinds = ignoredKinds
        self.reportsIdenticalPairs = reportsIdenticalPairs
        self.comparesFindings = comparesFindings
        self.catalog = catalog
    }
}
