/// A FIFO of bytes from one side of the link that remembers, for every byte, the record it
/// came from (time, frame, and whether its direction was inferred).
///
/// The decoder appends each chunk and consumes bytes only when a token is complete, so a
/// partial parse consumes nothing (aesthetics.md §9 rule 2). Provenance lets every output
/// carry the time and record numbers of its own bytes (rule 7).
struct ByteQueue {
    /// Where a run of bytes came from.
    struct Mark {
        /// Absolute position of the run's first byte.
        var position: Int
        var time: Timestamp
        var frame: Int
        var isInferred: Bool
    }

    /// The provenance of a consumed region.
    struct Span {
        var firstTime: Timestamp
        var lastTime: Timestamp
        var firstFrame: Int
        var lastFrame: Int
        var isInferred: Bool
    }

    private(set) var storage: [UInt8] = []
    /// Index in `storage` of the first unconsumed byte.
    private(set) var head = 0
    /// Absolute position of `storage[0]`.
    private var base = 0
    private var marks: [Mark] = []
    private var markHead = 0
    /// Resume point for line-end scans (relative to `head`), so a long line arriving in
    /// small chunks is not rescanned from its start (NIO `LineBasedFrameDecoder`).
    var scanOffset = 0
    /// Some byte's direction was inferred: spans must look for inferred marks (records with
    /// direction tags, the usual input, never make one).
    private var hasInferredMarks = false

    init() {
        storage.reserveCapacity(4096)
    }

    var count: Int { storage.count - head }
    var isEmpty: Bool { storage.count == head }

    /// Total bytes ever appended.
    var totalAppended: Int { base + storage.count }

    @inline(__always)
    subscript(offset: Int) -> UInt8 {
        storage[head + offset]
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer, time: Timestamp, frame: Int, isInferred: Bool) {
        guard !bytes.isEmpty else { return }
        compactIfNeeded()
        let position = base + storage.count
        if markHead < marks.count, let last = marks.last, last.time == time, last.frame == frame,
           last.isInferred == isInferred {
            // Same record continued (an importer may split one record): keep one mark.
        } else {
            marks.append(Mark(position: position, time: time, frame: frame, isInferred: isInferred))
            if isInferred { hasInferredMarks = true }
        }
        storage.append(contentsOf: bytes)
    }

    /// Appends the records of a run from the one at `first` on, at once (with a direction:
    /// not inferred); the same as appending them one by one.
    mutating func append(run bytes: UnsafeRawBufferPointer, marks: UnsafeBufferPointer<ByteMark>, from first: Int) {
        let runStart = marks[first].offset
        guard runStart < bytes.count else { return }
        compactIfNeeded()
        let position = base + storage.count - runStart
        for index in first..<marks.count {
            let mark = marks[index]
            let end = index + 1 < marks.count ? marks[index + 1].offset : bytes.count
            // As record by record: an empty record leaves no mark, and a record that
            // continues the last mark's keeps it.
            guard end > mark.offset else { continue }
            if markHead < self.marks.count, let last = self.marks.last, last.time == mark.time, last.frame == mark.frame,
               !last.isInferred {
                continue
            }
            self.marks.append(Mark(position: position + mark.offset, time: mark.time, frame: mark.frame, isInferred: false))
        }
        storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
    }

    mutating func append(_ bytes: [UInt8], time: Timestamp, frame: Int, isInferred: Bool) {
        bytes.withUnsafeBytes { append($0, time: time, frame: frame, isInferred: isInferred) }
    }

    /// The provenance of the byte at `offset` (relative to the head).
    func mark(at offset: Int) -> Mark {
        marks[markIndex(at: offset)]
    }

    /// The index of the mark of the byte at `offset`. Marks are sorted by position, and
    /// `markHead` is the head byte's: most lookups end within a few steps of it.
    @inline(__always)
    private func markIndex(at offset: Int) -> Int {
        let position = base + head + offset
        var index = markHead
        let last = marks.count - 1
        var steps = 0
        while index < last, marks[index + 1].position <= position {
            index += 1
            steps += 1
            if steps == 8 { return searchMark(position, from: index) }
        }
        return index
    }

    private func searchMark(_ position: Int, from start: Int) -> Int {
        var low = start
        var high = marks.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if marks[mid].position <= position { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The provenance of the next `length` bytes (at least one byte must be queued).
    func span(_ length: Int, from offset: Int = 0) -> Span {
        let firstIndex = markIndex(at: offset)
        let first = marks[firstIndex]
        let last = length > 1 ? marks[markIndex(at: offset + length - 1)] : first
        var inferred = first.isInferred || last.isInferred
        if hasInferredMarks && !inferred && first.frame != last.frame {
            let start = base + head + offset
            let end = start + length
            for index in firstIndex..<marks.count where marks[index].position >= start && marks[index].position < end {
                if marks[index].isInferred { inferred = true; break }
            }
        }
        return Span(firstTime: first.time, lastTime: last.time, firstFrame: first.frame,
                    lastFrame: last.frame, isInferred: inferred)
    }

    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> {
        storage[(head + range.lowerBound)..<(head + range.upperBound)]
    }

    /// Calls `body` with the queued bytes in `range` (relative to the head), without copying.
    func withUnsafeBytes<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        storage.withUnsafeBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[(head + range.lowerBound)..<(head + range.upperBound)]))
        }
    }

    func array(_ range: Range<Int>) -> [UInt8] {
        Array(bytes(range))
    }

    /// The first offset at or after `from` holding CR or LF.
    func firstLineEnd(from: Int) -> Int? {
        firstIndex(of: 0x0D, or: 0x0A, from: from)
    }

    /// The first offset at or after `from` holding `byte` or `other`. Scans eight bytes at a
    /// time (lines and payloads are mostly bytes that are neither), then byte by byte.
    func firstIndex(of byte: UInt8, or other: UInt8, from: Int) -> Int? {
        storage.withUnsafeBufferPointer { buffer in
            var index = head + from
            let end = buffer.count
            let raw = UnsafeRawBufferPointer(buffer)
            let first = 0x0101_0101_0101_0101 &* UInt64(byte)
            let second = 0x0101_0101_0101_0101 &* UInt64(other)
            while index + 8 <= end {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let match = Self.zeroBytes(word ^ first) | Self.zeroBytes(word ^ second)
                // The lowest flagged byte is always a true match.
                if match != 0 { return index + match.trailingZeroBitCount / 8 - head }
                index += 8
            }
            while index < end {
                let value = buffer[index]
                if value == byte || value == other { return index - head }
                index += 1
            }
            return nil
        }
    }

    /// The high bit of every byte of `word` that is zero (and possibly of bytes above the
    /// first zero one: only the lowest flag is exact).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// `true` when the queued bytes at `offset` start with `pattern` (all of it queued).
    func hasPrefix(_ pattern: [UInt8], at offset: Int = 0) -> Bool {
        guard count - offset >= pattern.count else { return false }
        for (index, byte) in pattern.enumerated() where storage[head + offset + index] != byte {
            return false
        }
        return true
    }

    /// Compares the queued bytes at `offset` with `pattern`: `.matched` when all of the
    /// pattern is queued and equal, `.partial` when the queue ends inside an equal prefix,
    /// `.mismatch` otherwise.
    func compare(_ pattern: ArraySlice<UInt8>, at offset: Int) -> PrefixMatch {
        let available = count - offset
        let length = Swift.min(available, pattern.count)
        var index = 0
        var p = pattern.startIndex
        while index < length {
            if storage[head + offset + index] != pattern[p] { return .mismatch }
            index += 1
            p += 1
        }
        return length == pattern.count ? .matched : .partial
    }

    /// ``compare(_:at:)`` for an echo: `line` followed by `terminator`, compared without
    /// building the pattern.
    func compare(echoOf line: [UInt8], terminator: UInt8?, at offset: Int) -> PrefixMatch {
        switch compare(line[...], at: offset) {
        case .mismatch: return .mismatch
        case .partial: return .partial
        case .matched:
            guard let terminator else { return .matched }
            let position = offset + line.count
            if position == count { return .partial }
            return self[position] == terminator ? .matched : .mismatch
        }
    }

    enum PrefixMatch {
        case matched
        case partial
        case mismatch
    }

    /// Removes `length` bytes and returns their provenance.
    @discardableResult
    mutating func consume(_ length: Int) -> Span {
        precondition(length > 0 && length <= count, "consume out of range")
        let result = span(length)
        head += length
        scanOffset = 0
        let position = base + head
        while markHead + 1 < marks.count, marks[markHead + 1].position <= position {
            markHead += 1
        }
        return result
    }

    /// Removes `length` bytes and returns them with their provenance.
    mutating func take(_ length: Int) -> ([UInt8], Span) {
        let bytes = array(0..<length)
        return (bytes, consume(length))
    }

    /// Moves the next `length` bytes to `other`, keeping their provenance; `isInferred`
    /// marks them as attributed by content (used for records without a direction).
    mutating func move(_ length: Int, to other: inout ByteQueue) {
        var offset = 0
        while offset < length {
            let mark = self.mark(at: offset)
            let markIndexEnd = nextMarkPosition(after: offset) ?? (base + storage.count)
            let runEnd = Swift.min(length, markIndexEnd - (base + head))
            let runLength = runEnd - offset
            storage.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[(head + offset)..<(head + offset + runLength)])
                other.append(slice, time: mark.time, frame: mark.frame, isInferred: true)
            }
            offset += runLength
        }
        consume(length)
    }

    /// Removes every queued byte, handing each run that came from one record to `body`
    /// with its provenance (a channel switching to CMUX hands its bytes to the deframers).
    mutating func drain(_ body: (UnsafeRawBufferPointer, Mark) -> Void) {
        var offset = 0
        while offset < count {
            let mark = self.mark(at: offset)
            let runEnd = Swift.min(count, (nextMarkPosition(after: offset) ?? (base + storage.count)) - (base + head))
            storage.withUnsafeBytes { raw in
                body(UnsafeRawBufferPointer(rebasing: raw[(head + offset)..<(head + runEnd)]), mark)
            }
            offset = runEnd
        }
        if count > 0 { consume(count) }
    }

    private func nextMarkPosition(after offset: Int) -> Int? {
        let position = base + head + offset
        var index = markHead
        while index < marks.count {
            if marks[index].position > position { return marks[index].position }
            index += 1
        }
        return nil
    }

    /// Drops consumed bytes before new ones are appended. Done here rather than in
    /// `consume`, where slices of the storage are often still alive: compacting a shared
    /// buffer would copy it. Done once per 16 KiB or 256 records rather than whenever the
    /// queue runs empty (nearly every record), which cost more than the copying it saves.
    private mutating func compactIfNeeded() {
        if head >= 16_384 && head * 2 >= storage.count {
            storage.removeFirst(head)
            base += head
            head = 0
        }
        if markHead >= 256 && markHead * 2 >= marks.count {
            marks.removeFirst(markHead)
            markHead = 0
        }
    }
}
