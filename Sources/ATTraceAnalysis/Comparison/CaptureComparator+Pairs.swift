import ATTraceCore

/// What is compared between two aligned transactions (Docs/Diff.md "What is compared").
extension CaptureComparator {
    /// The differences of an aligned pair, in ``DifferenceKind`` order.
    func compare(_ x: ComparedTransaction, _ y: ComparedTransaction, match: AlignmentMatch,
                 isReordered: Bool) -> [Difference] {
        let a = x.transaction
        let b = y.transaction
        var differences: [Difference] = []
        if a.commandLine != b.commandLine { differences.append(.command) }
        if isReordered { differences.append(.order) }
        if a.final?.line != b.final?.line || a.status != b.status { differences.append(.final) }
        if a.responses.count != b.responses.count || !zip(a.responses, b.responses).allSatisfy({ $0.text == $1.text }) {
            differences.append(.responses(Self.lineChanges(a.responses, b.responses)))
        }
        if let payload = Self.payloadDifference(.tx, a.tx, b.tx) { differences.append(payload) }
        if let payload = Self.payloadDifference(.rx, a.rx, b.rx) { differences.append(payload) }
        if let latencyA = a.latency, let latencyB = b.latency,
           options.latencyThreshold.isExceeded(from: latencyA, to: latencyB) {
            differences.append(.latency(a: latencyA, b: latencyB))
        }
        let urcs = URCTally.differences(x.urcs, y.urcs)
        if !urcs.isEmpty { differences.append(.urcs(urcs)) }
        differences += findingDifferences(x.findings, y.findings)
        return differences
    }

    func findingDifferences(_ a: [Finding], _ b: [Finding]) -> [Difference] {
        guard !a.isEmpty || !b.isEmpty else { return [] }
        return FindingTally.differences(FindingTally(a), FindingTally(b)).map { .finding($0) }
    }

    /// A payload differs when only one side has it, or by length, or by content.
    static func payloadDifference(_ direction: Difference.PayloadDirection, _ a: Payload?, _ b: Payload?) -> Difference? {
        switch (a, b) {
        case (nil, nil):
            return nil
        case (let x?, let y?) where x.length == y.length && x.bytes == y.bytes:
            return nil
        default:
            return .payload(direction, a: a.map(Difference.PayloadDigest.init), b: b.map(Difference.PayloadDigest.init))
        }
    }

    /// The response lines only one side has, in order (a longest common subsequence of the
    /// lines; beyond 1024 lines per side, line by line at the same position).
    static func lineChanges(_ a: [Transaction.Line], _ b: [Transaction.Line]) -> [Difference.LineChange] {
        var changes: [Difference.LineChange] = []
        guard a.count <= 1024 && b.count <= 1024 else {
            for index in 0..<max(a.count, b.count) {
                let left = index < a.count ? a[index].text : nil
                let right = index < b.count ? b[index].text : nil
                guard left != right else { continue }
                if let left { changes.append(Difference.LineChange(side: .a, text: left)) }
                if let right { changes.append(Difference.LineChange(side: .b, text: right)) }
            }
            return changes
        }
        var table: [UInt16] = []
        let walk = SequenceAligner<Int>.commonSubsequence(a.map { FNV1a64.hash($0.text) }, b.map { FNV1a64.hash($0.text) },
                                                          table: &table)
        for operation in walk {
            switch operation {
            case .onlyInA(let i): changes.append(Difference.LineChange(side: .a, text: a[i].text))
            case .onlyInB(let j): changes.append(Difference.LineChange(side: .b, text: b[j].text))
            case .pair, .absorbed: break
            }
        }
        return changes
    }
}
