import ATTraceCore

/// Where one traffic entry of a log line starts, whose it is, and where its data starts
/// (bracketed dialects: `[SEND][n][…]`, `TX:[…]`).
struct EntryPosition {
    var start: Int
    var direction: Direction
    var dataStart: Int
}

extension EntryPosition {
    /// One entry's data: what stands between its `[` and the last `]` before the next entry,
    /// or, when no `]` closes it on the line (a cut entry), the trimmed rest.
    struct BracketedData {
        var entry: EntryPosition
        var text: ArraySlice<UInt8>
        var isClosed: Bool
    }

    /// The bracketed data of every entry of `bytes`, in order.
    static func bracketedData(of entries: [EntryPosition], in bytes: [UInt8]) -> [BracketedData] {
        entries.indices.map { number in
            let entry = entries[number]
            let end = number + 1 < entries.count ? entries[number + 1].start : bytes.count
            let region = bytes[entry.dataStart..<end]
            if let close = region.lastIndex(of: UInt8(ascii: "]")) {
                return BracketedData(entry: entry, text: bytes[entry.dataStart..<close], isClosed: true)
            }
            return BracketedData(entry: entry, text: ByteSearch.trimmed(region), isClosed: false)
        }
    }
}
