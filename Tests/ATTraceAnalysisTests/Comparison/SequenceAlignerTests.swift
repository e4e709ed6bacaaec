import Testing
import ATTraceAnalysis
import ATTraceCore
import ATTraceSimulation

/// The windowed aligner of `attrace diff` (Docs/Diff.md "Alignment"): insertions, deletions,
/// reorders, changed parameters, identical input, and long inputs in bounded memory.
@Suite struct SequenceAlignerTests {
    /// A command written `NAME` or `NAME(param)`: the exact key is the whole text, the loose
    /// key the name.
    static func key(_ command: String) -> AlignmentKey {
        let name = command.split(separator: "(").first.map(String.init) ?? command
        return AlignmentKey(exact: FNV1a64.hash(command.utf8), loose: FNV1a64.hash(name.utf8))
    }

    /// Aligns `a` with `b` and writes each step: `=X` paired, `~X/Y` paired by name,
    /// `<>X` paired as reordered, `-X` only in A, `+X` only in B.
    static func align(_ a: [String], _ b: [String], window: Int = 8, aFirst: Bool = false) -> [String] {
        var aligner = SequenceAligner<String>(window: window)
        var steps: [String] = []
        func drain() {
            while let step = aligner.next() { steps.append(describe(step)) }
        }
        if aFirst {
            for item in a { aligner.append(item, key: key(item), to: .a); drain() }
            aligner.finish(.a)
            for item in b { aligner.append(item, key: key(item), to: .b); drain() }
            aligner.finish(.b)
        } else {
            // Read from the side with fewer queued elements, as the comparator does.
            var (i, j) = (0, 0)
            while i < a.count || j < b.count {
                if j >= b.count || (i < a.count && aligner.queuedCount(.a) <= aligner.queuedCount(.b)) {
                    aligner.append(a[i], key: key(a[i]), to: .a)
                    i += 1
                    if i == a.count { aligner.finish(.a) }
                } else {
                    aligner.append(b[j], key: key(b[j]), to: .b)
                    j += 1
                    if j == b.count { aligner.finish(.b) }
                }
                drain()
            }
            aligner.finish(.a)
            aligner.finish(.b)
        }
        drain()
        return steps
    }

    static func describe(_ step: AlignmentStep<String>) -> String {
        switch step {
        case .pair(let x, let y, .exact, false): "=" + x + (x == y ? "" : "/" + y)
        case .pair(let x, let y, .exact, true): "<>" + x + (x == y ? "" : "/" + y)
        case .pair(let x, let y, .loose, let moved): (moved ? "<>~" : "~") + x + "/" + y
        case .onlyInA(let x): "-" + x
        case .onlyInB(let y): "+" + y
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var a: [String]
        var b: [String]
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "identical", a: ["X", "Y", "Z"], b: ["X", "Y", "Z"], expected: ["=X", "=Y", "=Z"]),
        Case(name: "both empty", a: [], b: [], expected: []),
        Case(name: "A empty", a: [], b: ["X", "Y"], expected: ["+X", "+Y"]),
        Case(name: "B empty", a: ["X", "Y"], b: [], expected: ["-X", "-Y"]),
        Case(name: "deletion", a: ["X", "Y", "Z"], b: ["X", "Z"], expected: ["=X", "-Y", "=Z"]),
        Case(name: "insertion", a: ["X", "Z"], b: ["X", "Y", "Z"], expected: ["=X", "+Y", "=Z"]),
        Case(name: "inserted at the start", a: ["X", "Y"], b: ["W", "X", "Y"], expected: ["+W", "=X", "=Y"]),
        Case(name: "deleted at the end", a: ["X", "Y", "Z"], b: ["X", "Y"], expected: ["=X", "=Y", "-Z"]),
        Case(name: "other parameters", a: ["S(1)", "T"], b: ["S(2)", "T"], expected: ["~S(1)/S(2)", "=T"]),
        Case(name: "exact match preferred to a loose one", a: ["S(1)", "S(2)"], b: ["S(2)"],
             expected: ["-S(1)", "=S(2)"]),
        Case(name: "swap", a: ["X", "Y", "Z"], b: ["Y", "X", "Z"], expected: ["<>X", "=Y", "=Z"]),
        Case(name: "moved three places", a: ["M", "P", "Q", "R", "E"], b: ["P", "Q", "R", "M", "E"],
             expected: ["<>M", "=P", "=Q", "=R", "=E"]),
        Case(name: "duplicate removed, not reordered", a: ["X", "Y", "X"], b: ["Y", "X"],
             expected: ["-X", "=Y", "=X"]),
        Case(name: "nothing in common", a: ["A", "B"], b: ["C", "D"], expected: ["-A", "-B", "+C", "+D"]),
        Case(name: "replaced command", a: ["X", "Y", "Z"], b: ["X", "W", "Z"], expected: ["=X", "-Y", "+W", "=Z"]),
        Case(name: "repeated polling, one poll fewer", a: ["Q", "Q", "Q", "E"], b: ["Q", "Q", "E"],
             expected: ["=Q", "=Q", "-Q", "=E"]),
        Case(name: "insertion beyond the first window", a: (0..<20).map { "C\($0)" },
             b: (0..<10).map { "C\($0)" } + ["NEW"] + (10..<20).map { "C\($0)" },
             expected: (0..<10).map { "=C\($0)" } + ["+NEW"] + (10..<20).map { "=C\($0)" }),
    ]

    @Test(arguments: cases)
    func alignment(_ test: Case) {
        #expect(Self.align(test.a, test.b) == test.expected)
        // The result does not depend on how far either side was read.
        #expect(Self.align(test.a, test.b, aFirst: true) == test.expected)
    }

    @Test func windowOfTwoStillPairsEverything() {
        let a = ["A", "B", "C", "D", "E", "F"]
        let b = ["B", "A", "C", "E", "D", "F", "G"]
        let steps = Self.align(a, b, window: 2)
        // Every element appears exactly once.
        #expect(steps.count == 7)
        #expect(steps.filter { $0.hasPrefix("-") }.isEmpty)
        #expect(steps.contains("+G"))
    }

    /// 100 000 commands with about 1 % edits: each element once, order kept for in-order
    /// pairs, the same result however the sides are read, and never more than a window and
    /// a half of elements queued per side while reading in step.
    @Test func longInputsStayWithinTheWindow() {
        var random = SplitMix64(seed: 5)
        let vocabulary = (0..<40).map { "CMD\($0)" }
        var a: [String] = []
        for index in 0..<100_000 {
            let name = vocabulary[Int(random.next() % UInt64(vocabulary.count))]
            a.append(index % 7 == 0 ? name + "(\(index))" : name)
        }
        var b: [String] = []
        var index = 0
        while index < a.count {
            switch random.next() % 400 {
            case 0: index += 1  // deleted
            case 1: b.append("NEW\(index)"); b.append(a[index]); index += 1  // inserted
            case 2 where index + 1 < a.count: b.append(a[index + 1]); b.append(a[index]); index += 2  // swapped
            case 3: b.append(a[index] + "(changed)"); index += 1
            default: b.append(a[index]); index += 1
            }
        }
        var aligner = SequenceAligner<Int>(window: 128)
        var positionsA: [Int] = []
        var positionsB: [Int] = []
        var inOrderA: [Int] = []
        var inOrderB: [Int] = []
        var (i, j) = (0, 0)
        func drain() {
            while let step = aligner.next() {
                switch step {
                case .pair(let x, let y, _, let moved):
                    positionsA.append(x)
                    positionsB.append(y)
                    if !moved { inOrderA.append(x); inOrderB.append(y) }
                case .onlyInA(let x): positionsA.append(x)
                case .onlyInB(let y): positionsB.append(y)
                }
            }
        }
        while i < a.count || j < b.count {
            if j >= b.count || (i < a.count && aligner.queuedCount(.a) <= aligner.queuedCount(.b)) {
                aligner.append(i, key: Self.key(a[i]), to: .a)
                i += 1
                if i == a.count { aligner.finish(.a) }
            } else {
                aligner.append(j, key: Self.key(b[j]), to: .b)
                j += 1
                if j == b.count { aligner.finish(.b) }
            }
            drain()
        }
        drain()
        #expect(positionsA.sorted() == Array(0..<a.count))
        #expect(positionsB.sorted() == Array(0..<b.count))
        #expect(inOrderA == inOrderA.sorted())
        #expect(inOrderB == inOrderB.sorted())
        #expect(aligner.peakQueued <= 128 + 64, "peak \(aligner.peakQueued) elements queued")
        // Most of it pairs exactly.
        #expect(inOrderA.count > 97_000)
    }

    @Test func identicalLongInputsNeedNoLookAhead() {
        var aligner = SequenceAligner<Int>(window: 128)
        var pairs = 0
        for index in 0..<50_000 {
            let key = Self.key("CMD\(index % 13)")
            aligner.append(index, key: key, to: .a)
            aligner.append(index, key: key, to: .b)
            while let step = aligner.next() {
                if case .pair(let x, let y, .exact, false) = step, x == y { pairs += 1 }
            }
        }
        aligner.finish(.a)
        aligner.finish(.b)
        #expect(aligner.next() == nil)
        #expect(pairs == 50_000)
        #expect(aligner.peakQueued == 1)
    }
}
