import ATTraceCore

/// Reads TinyGSM `StreamDebugger` output (log-dialects.md `tinygsm`): the traffic exactly
/// as the wire had it, commands, echo, responses and binary data, interleaved with the
/// library's own lines `[12345] ### Modem: EC25` and `### Unhandled: …`.
///
/// Library lines are noise, but their `[ms]` (milliseconds since boot) is the only time
/// in the log: traffic lines take the latest one. The traffic is read as a raw paste
/// (direction inferred, line ends rebuilt; see ``RawImporter``). `### Unhandled:` repeats
/// a line the traffic already shows, so it is not imported twice. In a collapsed log a
/// library line's text ends where the next command or result code starts.
struct TinyGSMImporter: DialectImporter {
    let framing = ImportSink.Framing.reconstructed
    private var raw: RawImporter

    init(assignsDirections: Bool = false) {
        raw = RawImporter(assignsDirections: assignsDirections)
    }

    static func evidence(_ line: [UInt8]) -> [LineEvidence] {
        let segments = segments(of: line)
        return segments.flatMap { segment -> [LineEvidence] in
            guard libraryLine(segment) != nil else { return RawImporter.evidence(segment) }
            return [.program] + trafficAfterLibraryText(segment, collapsed: segments.count > 1).flatMap(RawImporter.evidence)
        }
    }

    mutating func consume(_ line: LogLine, into sink: inout ImportSink) {
        if ByteSearch.isBlank(line.bytes) { return }
        let segments = Self.segments(of: line.bytes)
        var skipped = false
        for segment in segments {
            guard let time = Self.libraryLine(segment) else {
                raw.consumeTraffic(segment, line: line.number, time: nil, into: &sink)
                continue
            }
            if let time { sink.observe(time) }
            if !skipped {
                sink.skip(line)
                skipped = true
            }
            for piece in Self.trafficAfterLibraryText(segment, collapsed: segments.count > 1) {
                raw.consumeTraffic(piece, line: line.number, time: nil, into: &sink)
            }
        }
    }

    /// In a collapsed log, the traffic that follows a library line's text: it starts at
    /// the next command or result code. `### Unhandled: <line>` repeats a traffic line,
    /// which is dropped too. A line of its own is all library text. The traffic is kept in
    /// one piece: the raw importer cuts it, and counted data after a header (`+QIRD: 5 …`)
    /// must reach it whole.
    private static func trafficAfterLibraryText(_ segment: [UInt8], collapsed: Bool) -> [[UInt8]] {
        guard collapsed else { return [] }
        let starts = RawImporter.starts(in: segment)
        let dropped = ByteSearch.contains("### Unhandled:", in: segment) ? 2 : 1
        guard starts.count >= dropped else { return [] }
        return [Array(segment[starts[dropped - 1]...])]
    }

    /// A library line: `[12345] …` (its time) or `### …` (no time).
    private static func libraryLine(_ line: [UInt8]) -> LogTime?? {
        var cursor = ByteCursor(line)
        cursor.skipSpaces()
        if cursor.skip("###") { return .some(nil) }
        guard cursor.skip(UInt8(ascii: "[")), let milliseconds = cursor.digits(), cursor.skip("] ") else { return nil }
        return .some(TimeParser.nanoseconds(milliseconds.value, per: 1_000_000).map { .sinceBoot($0) })
    }

    /// Splits a collapsed line before every further `[12345] ###` or `### `.
    private static func segments(of line: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var index = 1
        while let found = ByteSearch.find("### ", in: line, from: index) {
            var start = found
            // `[12345] ` before the marker belongs to it.
            if start >= 2, line[start - 1] == 0x20, line[start - 2] == UInt8(ascii: "]"),
               let open = line[..<(start - 2)].lastIndex(of: UInt8(ascii: "[")),
               line[(open + 1)..<(start - 2)].allSatisfy(ByteSearch.isDigit) {
                start = open
            }
            if start > 0, line[start - 1] == 0x20 { starts.append(start) }
            index = found + 4
        }
        return ByteSearch.split(line, at: starts).filter { !$0.isEmpty }
    }
}
