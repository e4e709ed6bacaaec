/// Undoes what forum software, markdown and copy-paste do to a log line before a dialect
/// reads it (log-dialects.md "Noise" and "Truncation and damage"): typographic quotes and
/// dashes, non-breaking spaces, byte-order marks, `> ` quote prefixes, backticks and bold
/// markers around the line, and the file's own CR line ends.
enum LineCleaner {
    /// Typographic characters (UTF-8) and what the log had before an editor replaced them.
    /// Smart punctuation turns `--` into an en dash and `---` into an em dash, so
    /// `-->` arrives as `–>`.
    static let replacements: [(from: [UInt8], to: [UInt8])] = [
        ([0xE2, 0x80, 0x9C], Array("\"".utf8)),   // “
        ([0xE2, 0x80, 0x9D], Array("\"".utf8)),   // ”
        ([0xE2, 0x80, 0x9E], Array("\"".utf8)),   // „
        ([0xE2, 0x80, 0xB3], Array("\"".utf8)),   // ″
        ([0xE2, 0x80, 0x98], Array("'".utf8)),    // ‘
        ([0xE2, 0x80, 0x99], Array("'".utf8)),    // ’
        ([0xE2, 0x80, 0xB2], Array("'".utf8)),    // ′
        ([0xE2, 0x80, 0x93], Array("--".utf8)),   // – en dash
        ([0xE2, 0x80, 0x94], Array("---".utf8)),  // — em dash
        ([0xE2, 0x80, 0xA6], Array("...".utf8)),  // …
        ([0xE2, 0x86, 0x92], Array("->".utf8)),   // →
        ([0xE2, 0x86, 0x90], Array("<-".utf8)),   // ←
        ([0xC2, 0xA0], Array(" ".utf8)),          // no-break space
        ([0xE2, 0x80, 0xAF], Array(" ".utf8)),    // narrow no-break space
        ([0xE2, 0x80, 0x8B], []),                 // zero-width space
        ([0xEF, 0xBB, 0xBF], []),                 // byte-order mark
    ]

    /// The line with typographic characters replaced and trailing CRs (the file's CR LF
    /// line ends) removed.
    static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        var line = bytes
        while line.last == 0x0D { line.removeLast() }
        guard line.contains(where: { $0 >= 0xC2 }) else { return line }
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var index = 0
        outer: while index < line.count {
            if line[index] >= 0xC2 {
                for (from, to) in replacements where ByteSearch.hasPrefix(line, from, at: index) {
                    out += to
                    index += from.count
                    continue outer
                }
            }
            out.append(line[index])
            index += 1
        }
        return out
    }

    /// How many markdown quote levels (`> `) to remove: the depth at the start of `bytes`.
    static func quoteDepth(of bytes: [UInt8]) -> Int {
        var cursor = ByteCursor(bytes)
        var depth = 0
        while true {
            cursor.skipSpaces()
            guard cursor.skip(0x3E) else { return depth }
            depth += 1
        }
    }

    /// Removes up to `depth` leading `>` quote markers, each with one following space.
    static func removeQuote(_ bytes: [UInt8], depth: Int) -> [UInt8] {
        guard depth > 0 else { return bytes }
        var cursor = ByteCursor(bytes)
        var removed = 0
        while removed < depth {
            let start = cursor.index
            cursor.skipSpaces()
            guard cursor.skip(0x3E) else {
                cursor.index = start
                break
            }
            cursor.skip(0x20)
            removed += 1
        }
        return removed == 0 ? bytes : Array(cursor.rest)
    }

    /// Whether the line is a markdown code fence (```` ``` ````, `~~~`, with a language).
    static func isCodeFence(_ bytes: [UInt8]) -> Bool {
        let trimmed = ByteSearch.trimmed(bytes[...])
        return ByteSearch.hasPrefix(trimmed, Array("```".utf8), at: trimmed.startIndex)
            || ByteSearch.hasPrefix(trimmed, Array("~~~".utf8), at: trimmed.startIndex)
    }

    /// Removes inline-code backticks and bold markers that wrap the line (or start it:
    /// a truncated post loses the closing one).
    static func removeEmphasis(_ bytes: [UInt8]) -> [UInt8] {
        var slice = ByteSearch.trimmed(bytes[...])
        var changed = false
        for marker in [Array("**".utf8), Array("__".utf8), Array("`".utf8)] {
            if ByteSearch.hasPrefix(slice, marker, at: slice.startIndex) {
                slice = slice.dropFirst(marker.count)
                changed = true
                if slice.count >= marker.count,
                   ByteSearch.hasPrefix(slice, marker, at: slice.endIndex - marker.count) {
                    slice = slice.dropLast(marker.count)
                }
            }
        }
        return changed ? Array(slice) : bytes
    }

    /// The line as an importer sees it: normalized, unquoted and without wrapping emphasis.
    static func clean(_ bytes: [UInt8], quoteDepth: Int) -> [UInt8] {
        removeEmphasis(removeQuote(normalize(bytes), depth: quoteDepth))
    }
}
