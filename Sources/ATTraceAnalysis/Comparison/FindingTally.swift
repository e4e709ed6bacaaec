/// Findings counted by rule, with the first of each kept as an example (Docs/Diff.md
/// "Findings"). Bounded by the number of rules.
struct FindingTally: Sendable {
    private(set) var counts: [FindingID: (count: Int, example: Finding)] = [:]

    mutating func add(_ finding: Finding) {
        if let entry = counts[finding.rule] {
            counts[finding.rule] = (entry.count + 1, entry.example)
        } else {
            counts[finding.rule] = (1, finding)
        }
    }

    init() {}

    init(_ findings: [Finding]) {
        for finding in findings { add(finding) }
    }

    var isEmpty: Bool { counts.isEmpty }

    /// The rules raised a different number of times, by rule id.
    static func differences(_ a: FindingTally, _ b: FindingTally) -> [Difference.FindingDifference] {
        let rules = Set(a.counts.keys).union(b.counts.keys).sorted()
        var result: [Difference.FindingDifference] = []
        for rule in rules {
            let left = a.counts[rule]
            let right = b.counts[rule]
            let countA = left?.count ?? 0
            let countB = right?.count ?? 0
            guard countA != countB, let example = countA > countB ? left?.example : right?.example else { continue }
            result.append(Difference.FindingDifference(rule: rule, a: countA, b: countB, example: example))
        }
        return result
    }
}
