/// Aligns two sequences that stream in side by side, with bounded memory (Docs/Diff.md
/// "Alignment"; issue 5).
///
/// Elements carry an ``AlignmentKey``. Equal heads are paired at once (the common case:
/// two captures of the same session). Where the heads differ, the aligner waits until it
/// has a full *window* of the next `window` elements on both sides (or all that remain),
/// computes a longest common subsequence of their exact keys inside the window, and commits
/// the first half of it; then, in each run of unpaired elements between two pairs, a second
/// LCS on the loose keys pairs commands that differ only in their parameters; finally an
/// unpaired element whose exact key equals an unpaired element of the other side in the
/// window is paired with it as *reordered*. Everything else is only in A or only in B.
///
/// Memory is at most one window per side plus an `(window + 1)²` table of 16-bit lengths;
/// time is O(window) per element where the sequences differ and O(1) where they agree.
/// The steps depend only on the two sequences, never on how far either has been appended
/// when ``next()`` is called: a window is used only once it is complete, and a full window
/// is treated the same whether or not its side has ended.
///
///     var aligner = SequenceAligner<Int>(window: 128)
///     aligner.append(1, key: k1, to: .a) …   // from both sides, in order
///     aligner.finish(.a); aligner.finish(.b)
///     while let step = aligner.next() { … }
public struct SequenceAligner<Element: Sendable>: Sendable {
    /// The default window: 128 commands, so a command moved or inserted up to 64 places
    /// away is still recognised, for about 33 K table cells per block.
    public static var defaultWindow: Int { 128 }
    /// The default byte budget of a window: 16 MiB of payloads and responses per side.
    public static var defaultWindowBytes: Int { 16 << 20 }

    /// Elements per side considered at once where the sequences differ.
    public let window: Int
    /// A window also ends once its elements' sizes reach this many bytes, so that large
    /// payloads cannot multiply memory by `window`.
    public let windowBytes: Int

    var a = AlignmentQueue<Element>()
    var b = AlignmentQueue<Element>()
    var output: [AlignmentStep<Element>] = []
    private var outputHead = 0
    var table: [UInt16] = []
    /// The most elements one side has held at once (for tests and measurements).
    public private(set) var peakQueued = 0

    /// `window` is clamped to 2…4096 (the table has `(window + 1)²` cells).
    public init(window: Int = SequenceAligner.defaultWindow, windowBytes: Int = SequenceAligner.defaultWindowBytes) {
        self.window = Swift.min(4096, Swift.max(2, window))
        self.windowBytes = Swift.max(1, windowBytes)
    }

    /// Appends the next element of one side. `size` counts towards ``windowBytes``.
    public mutating func append(_ element: Element, key: AlignmentKey, size: Int = 0, to side: ComparisonSide) {
        let slot = AlignmentQueue<Element>.Slot(element: element, key: key, size: size)
        switch side {
        case .a:
            a.append(slot)
            peakQueued = Swift.max(peakQueued, a.count)
        case .b:
            b.append(slot)
            peakQueued = Swift.max(peakQueued, b.count)
        }
    }

    /// No more elements will come from `side`.
    public mutating func finish(_ side: ComparisonSide) {
        switch side {
        case .a: a.isFinished = true
        case .b: b.isFinished = true
        }
    }

    /// Elements of `side` appended and not yet aligned.
    public func queuedCount(_ side: ComparisonSide) -> Int {
        switch side {
        case .a: a.count
        case .b: b.count
        }
    }

    /// The next step, or `nil` when the aligner needs more input (or both sides ended and
    /// everything was aligned).
    public mutating func next() -> AlignmentStep<Element>? {
        while outputHead == output.count {
            output.removeAll(keepingCapacity: true)
            outputHead = 0
            guard advance() else { return nil }
        }
        defer { outputHead += 1 }
        return output[outputHead]
    }

    /// Produces at least one step, or returns `false` when it cannot yet.
    private mutating func advance() -> Bool {
        switch (a.first, b.first) {
        case (nil, nil):
            return false
        case (nil, _?):
            guard a.isFinished, let only = b.removeFirst() else { return false }
            output.append(.onlyInB(only.element))
            return true
        case (_?, nil):
            guard b.isFinished, let only = a.removeFirst() else { return false }
            output.append(.onlyInA(only.element))
            return true
        case (let headA?, let headB?):
            if headA.key.exact == headB.key.exact, let x = a.removeFirst(), let y = b.removeFirst() {
                output.append(.pair(x.element, y.element, match: .exact, isReordered: false))
                return true
            }
            return alignBlock()
        }
    }
}
