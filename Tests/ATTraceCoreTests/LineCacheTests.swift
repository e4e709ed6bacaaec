@testable import ATTraceCore
import Testing

/// The cache that lets recurring lines share their bytes and their parse.
@Suite struct LineCacheTests {
    private func entry(_ cache: inout LineCache<Int>, _ text: String, derivations: inout Int) -> LineCache<Int>.Entry {
        var queue = ByteQueue()
        Array(text.utf8).withUnsafeBytes { queue.append($0, time: Timestamp(nanoseconds: 0), frame: 1, isInferred: false) }
        return cache.entry(for: 0..<queue.count, of: queue, context: ()) { line, _ in
            derivations += 1
            return line.count
        }
    }

    private func storage(_ bytes: [UInt8]) -> UnsafeRawPointer? {
        bytes.withUnsafeBytes { $0.baseAddress }
    }

    @Test func anEqualLineSharesBytesAndValue() {
        var cache = LineCache<Int>()
        var derivations = 0
        let first = entry(&cache, "AT+QSSLRECV=4,1500", derivations: &derivations)
        let second = entry(&cache, "AT+QSSLRECV=4,1500", derivations: &derivations)
        #expect(derivations == 1)
        #expect(second.bytes == Array("AT+QSSLRECV=4,1500".utf8))
        #expect(second.value == 18)
        #expect(storage(first.bytes) == storage(second.bytes))
    }

    @Test func differentLinesOfTheSameLengthAreDerivedAgain() {
        var cache = LineCache<Int>()
        var derivations = 0
        let count = LineCache<Int>.slotCount * 4
        let lines = (0..<count).map { "AT+QSSLRECV=\($0 % 10),\(100_000 + $0)" }
        for line in lines + lines {
            let result = entry(&cache, line, derivations: &derivations)
            #expect(result.bytes == Array(line.utf8))
        }
        // Far more distinct lines than slots: most are derived again, never confused.
        #expect(derivations > count)
    }

    @Test func aRecurringLineOutlivesALineUsedOnceInItsSet() {
        var cache = LineCache<Int>()
        var derivations = 0
        let recurring = "AT+QSSLRECV=4,1500"
        // Lines used once (`AT+QSSLSEND=4,<length>`) that fall into the recurring line's set.
        let set = { (line: String) in
            Array(line.utf8).withUnsafeBytes { Int(truncatingIfNeeded: LineCache<Int>.hash($0)) & (LineCache<Int>.setCount - 1) }
        }
        let neighbours = (0..<100_000).lazy.map { "AT+QSSLSEND=4,\($0)" }.filter { set($0) == set(recurring) }
        let once = Array(neighbours.prefix(3))
        #expect(once.count == 3)
        _ = entry(&cache, recurring, derivations: &derivations)
        _ = entry(&cache, once[0], derivations: &derivations)
        _ = entry(&cache, recurring, derivations: &derivations)
        #expect(derivations == 2)
        // Two new lines in a row push it out.
        _ = entry(&cache, once[1], derivations: &derivations)
        _ = entry(&cache, once[2], derivations: &derivations)
        _ = entry(&cache, recurring, derivations: &derivations)
        #expect(derivations == 5)
    }

    @Test func longAndEmptyLinesAreNotKept() {
        var cache = LineCache<Int>()
        var derivations = 0
        let long = String(repeating: "x", count: LineCache<Int>.maximumLength + 1)
        let first = entry(&cache, long, derivations: &derivations)
        let second = entry(&cache, long, derivations: &derivations)
        #expect(derivations == 2)
        #expect(first.bytes == second.bytes)
        _ = entry(&cache, "", derivations: &derivations)
        _ = entry(&cache, "", derivations: &derivations)
        #expect(derivations == 4)
    }
}
