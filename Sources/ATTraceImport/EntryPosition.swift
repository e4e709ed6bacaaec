import ATTraceCore

/// Where one traffic entry of a log line starts, whose it is, and where its data starts
/// (bracketed dialects: `[SEND][n][…]`, `TX:[…]`).
struct EntryPosition {
    var start: Int
    var direction: Direction
    var dataStart: Int
}
