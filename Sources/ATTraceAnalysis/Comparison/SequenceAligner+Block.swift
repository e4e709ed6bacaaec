/// The windowed block alignment of ``SequenceAligner`` (Docs/Diff.md "Alignment"): exact
/// LCS, loose LCS inside the gaps, then reorders.
extension SequenceAligner {
    /// One decision inside a block, by window index.
    enum BlockOperation {
        case pair(Int, Int, AlignmentMatch, isReordered: Bool)
        case onlyInA(Int)
        case onlyInB(Int)
        /// A slot of the list that a reorder pair absorbed.
        case absorbed
    }

    /// Aligns the windows at the heads and commits the first half; `false` when a window
    /// is not complete yet.
    mutating func alignBlock() -> Bool {
        guard a.mayHaveCompleteWindow(limit: window, byteLimit: windowBytes),
              b.mayHaveCompleteWindow(limit: window, byteLimit: windowBytes) else { return false }
        let windowA = a.window(limit: window, byteLimit: windowBytes)
        let windowB = b.window(limit: window, byteLimit: windowBytes)
        guard windowA.isComplete && windowB.isComplete else { return false }
        let slotsA = windowA.positions.map { a.slot(at: $0) }
        let slotsB = windowB.positions.map { b.slot(at: $0) }
        let exactA = slotsA.map(\.key.exact)
        let exactB = slotsB.map(\.key.exact)
        let walk = Self.commonSubsequence(exactA, exactB, table: &table)

        // Commit until half of either window is used (all of it when nothing follows it),
        // so the rest is aligned again with fresh look-ahead.
        let limitA = windowA.holdsRest ? slotsA.count : Swift.max(1, slotsA.count / 2)
        let limitB = windowB.holdsRest ? slotsB.count : Swift.max(1, slotsB.count / 2)
        var committed: [BlockOperation] = []
        var usedA = 0
        var usedB = 0
        var tail = walk[...]
        while let operation = tail.first, usedA < limitA, usedB < limitB {
            committed.append(operation)
            switch operation {
            case .pair: usedA += 1; usedB += 1
            case .onlyInA: usedA += 1
            case .onlyInB: usedB += 1
            case .absorbed: break
            }
            tail = tail.dropFirst()
        }
        pairLoosely(&committed, slotsA: slotsA, slotsB: slotsB)
        pairReorders(&committed, tail: tail, exactA: exactA, exactB: exactB)

        for operation in committed {
            switch operation {
            case .pair(let i, let j, let match, let isReordered):
                let x = a.take(at: windowA.positions[i])
                let y = b.take(at: windowB.positions[j])
                output.append(.pair(x.element, y.element, match: match, isReordered: isReordered))
            case .onlyInA(let i):
                output.append(.onlyInA(a.take(at: windowA.positions[i]).element))
            case .onlyInB(let j):
                output.append(.onlyInB(b.take(at: windowB.positions[j]).element))
            case .absorbed:
                break
            }
        }
        a.normalize()
        b.normalize()
        return true
    }

    /// In each run of unpaired elements between two pairs, pairs those with the same
    /// command name and form (a second LCS, on the loose keys).
    private func pairLoosely(_ operations: inout [BlockOperation], slotsA: [AlignmentQueue<Element>.Slot],
                             slotsB: [AlignmentQueue<Element>.Slot]) {
        var result: [BlockOperation] = []
        result.reserveCapacity(operations.count)
        var table: [UInt16] = []
        var index = 0
        while index < operations.count {
            guard case .pair = operations[index] else {
                var runA: [Int] = []
                var runB: [Int] = []
                while index < operations.count {
                    if case .onlyInA(let i) = operations[index] { runA.append(i) }
                    else if case .onlyInB(let j) = operations[index] { runB.append(j) }
                    else { break }
                    index += 1
                }
                if runA.isEmpty || runB.isEmpty {
                    result += runA.map { .onlyInA($0) } + runB.map { .onlyInB($0) }
                    continue
                }
                let walk = Self.commonSubsequence(runA.map { slotsA[$0].key.loose }, runB.map { slotsB[$0].key.loose },
                                                  table: &table)
                for operation in walk {
                    switch operation {
                    case .pair(let i, let j, _, _): result.append(.pair(runA[i], runB[j], .loose, isReordered: false))
                    case .onlyInA(let i): result.append(.onlyInA(runA[i]))
                    case .onlyInB(let j): result.append(.onlyInB(runB[j]))
                    case .absorbed: break
                    }
                }
                continue
            }
            result.append(operations[index])
            index += 1
        }
        operations = result
    }

    /// Pairs an unpaired committed element with an unpaired element of the other side that
    /// has the same command line, committed or later in the window: the command moved. A
    /// later element paired here is taken out of its queue with the pair.
    private func pairReorders(_ operations: inout [BlockOperation], tail: ArraySlice<BlockOperation>,
                              exactA: [UInt64], exactB: [UInt64]) {
        var laterA = tail.compactMap { operation -> Int? in
            if case .onlyInA(let i) = operation { return i } else { return nil }
        }
        var laterB = tail.compactMap { operation -> Int? in
            if case .onlyInB(let j) = operation { return j } else { return nil }
        }
        // Committed elements only in A: look for their line among committed, then later, B elements.
        for index in operations.indices {
            guard case .onlyInA(let i) = operations[index] else { continue }
            if let partner = operations.indices.first(where: {
                if case .onlyInB(let j) = operations[$0] { return exactB[j] == exactA[i] } else { return false }
            }), case .onlyInB(let j) = operations[partner] {
                operations[index] = .pair(i, j, .exact, isReordered: true)
                operations[partner] = .absorbed
            } else if let position = laterB.firstIndex(where: { exactB[$0] == exactA[i] }) {
                operations[index] = .pair(i, laterB[position], .exact, isReordered: true)
                laterB.remove(at: position)
            }
        }
        // Committed elements only in B: look for their line among later A elements.
        for index in operations.indices {
            guard case .onlyInB(let j) = operations[index] else { continue }
            if let position = laterA.firstIndex(where: { exactA[$0] == exactB[j] }) {
                operations[index] = .pair(laterA[position], j, .exact, isReordered: true)
                laterA.remove(at: position)
            }
        }
    }

    /// A longest common subsequence of `x` and `y`, as a walk from the start: pairs where
    /// the keys agree, otherwise the side whose removal keeps the longer common rest (A
    /// first on ties, so the result is deterministic). `table` is scratch space.
    static func commonSubsequence(_ x: [UInt64], _ y: [UInt64], table: inout [UInt16]) -> [BlockOperation] {
        let n = x.count
        let m = y.count
        let width = m + 1
        let cells = (n + 1) * width
        if table.count < cells { table = [UInt16](repeating: 0, count: cells) }
        var operations: [BlockOperation] = []
        operations.reserveCapacity(n + m)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                table.withUnsafeMutableBufferPointer { t in
                    // t[i * width + j] = length of an LCS of x[i...] and y[j...].
                    for j in 0...m { t[n * width + j] = 0 }
                    var i = n - 1
                    while i >= 0 {
                        let row = i * width
                        let below = row + width
                        t[row + m] = 0
                        var j = m - 1
                        while j >= 0 {
                            t[row + j] = x[i] == y[j] ? t[below + j + 1] + 1 : Swift.max(t[below + j], t[row + j + 1])
                            j -= 1
                        }
                        i -= 1
                    }
                    var p = 0
                    var q = 0
                    while p < n && q < m {
                        if x[p] == y[q] {
                            operations.append(.pair(p, q, .exact, isReordered: false))
                            p += 1
                            q += 1
                        } else if t[(p + 1) * width + q] >= t[p * width + q + 1] {
                            operations.append(.onlyInA(p))
                            p += 1
                        } else {
                            operations.append(.onlyInB(q))
                            q += 1
                        }
                    }
                    while p < n { operations.append(.onlyInA(p)); p += 1 }
                    while q < m { operations.append(.onlyInB(q)); q += 1 }
                }
            }
        }
        return operations
    }
}
