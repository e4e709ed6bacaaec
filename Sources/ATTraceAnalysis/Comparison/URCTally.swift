import ATTraceCore

/// The URCs that arrived around one transaction, counted by signature (Docs/Diff.md
/// "URCs"): the URC's name, with its first field when that is a quoted keyword
/// (`+QSSLURC: "closed"`), or the whole line for an asynchronous result of the transaction
/// itself (`+QSSLOPEN: 4,0`). At most ``capacity`` distinct signatures are kept; the rest
/// are counted together, so a storm of unknown lines cannot grow memory.
struct URCTally: Hashable, Sendable {
    static let capacity = 32
    static let overflowSignature = Array("(other URCs)".utf8)

    struct Entry: Hashable, Sendable {
        var signature: [UInt8]
        var count: Int
    }

    private(set) var entries: [Entry] = []
    private(set) var overflow = 0

    var isEmpty: Bool { entries.isEmpty && overflow == 0 }

    mutating func add(_ urc: URCRecord, isResultOfTransaction: Bool) {
        add(signature: isResultOfTransaction ? urc.text : Self.signature(of: urc))
    }

    mutating func add(signature: [UInt8]) {
        if let index = entries.firstIndex(where: { $0.signature == signature }) {
            entries[index].count += 1
        } else if entries.count < Self.capacity {
            entries.append(Entry(signature: signature, count: 1))
        } else {
            overflow += 1
        }
    }

    func count(of signature: [UInt8]) -> Int {
        if signature == Self.overflowSignature { return overflow }
        return entries.first(where: { $0.signature == signature })?.count ?? 0
    }

    /// The name, and the first field when it is quoted: `+QSSLURC: "recv"`.
    static func signature(of urc: URCRecord) -> [UInt8] {
        var signature = Array(urc.name.utf8)
        let text = urc.text
        guard let colon = ResponseLine.prefixEnd(text[...]) else { return signature }
        var index = colon + 1
        while index < text.count && text[index] == 0x20 { index += 1 }
        guard index < text.count, text[index] == UInt8(ascii: "\""),
              let close = text[(index + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return signature }
        signature.append(contentsOf: ": ".utf8)
        signature.append(contentsOf: text[index...close])
        return signature
    }

    /// The signatures whose counts differ, A's in their order of arrival, then B's.
    static func differences(_ a: URCTally, _ b: URCTally) -> [Difference.URCCount] {
        var result: [Difference.URCCount] = []
        for entry in a.entries where b.count(of: entry.signature) != entry.count {
            result.append(Difference.URCCount(urc: entry.signature, a: entry.count, b: b.count(of: entry.signature)))
        }
        for entry in b.entries where a.entries.allSatisfy({ $0.signature != entry.signature }) {
            result.append(Difference.URCCount(urc: entry.signature, a: 0, b: entry.count))
        }
        if a.overflow != b.overflow {
            result.append(Difference.URCCount(urc: overflowSignature, a: a.overflow, b: b.overflow))
        }
        return result
    }
}
