@testable import ATTraceAnalysis
import Testing

/// The memo recognises a line by the identity of its storage, never by equal bytes alone.
@Suite struct CleanLineMemoTests {
    @Test func recognisesTheSameStorageOnly() {
        var memo = CleanLineMemo()
        let line = Array("AT+CSQ".utf8)
        let shared = line
        let equalCopy = Array("AT+CSQ".utf8)
        #expect(!memo.contains(line))
        memo.insert(line)
        #expect(memo.contains(line))
        #expect(memo.contains(shared))
        #expect(!memo.contains(equalCopy), "equal bytes in other storage are checked again")
        #expect(!memo.contains([]))
    }

    @Test func aLaterLineInTheSameSlotReplacesTheEarlier() {
        var memo = CleanLineMemo()
        let count = CleanLineMemo.slotCount * 3
        let lines = (0..<count).map { Array("AT+QSSLRECV=\($0),1500".utf8) }
        for line in lines { memo.insert(line) }
        // Every line is either remembered or forgotten, never confused with another.
        let remembered = lines.filter { memo.contains($0) }.count
        #expect(remembered > 0 && remembered <= CleanLineMemo.slotCount)
        #expect(memo.contains(lines[count - 1]))
    }
}
