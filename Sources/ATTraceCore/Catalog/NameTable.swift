/// A read-only table from canonical names (`AT+QSSLOPEN`, `+QSSLURC`) to catalog entries.
///
/// The decoder looks a name up for nearly every line; `Dictionary<String, …>` hashes the
/// name with SipHash, which cost more than the rest of starting a transaction. Names are
/// short ASCII, so a byte hash and open addressing with linear probing do it in a few dozen
/// instructions.
struct NameTable<Value: Sendable>: Sendable {
    private var names: [String?]
    private var values: [Value?]
    private let mask: Int

    init(_ entries: [(name: String, value: Value)]) {
        var capacity = 16
        while capacity < entries.count * 4 { capacity *= 2 }
        names = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        mask = capacity - 1
        for entry in entries {
            var slot = Self.hash(entry.name) & mask
            while let existing = names[slot], existing != entry.name { slot = (slot + 1) & mask }
            // A later entry of the same name replaces the earlier one (as in a dictionary).
            names[slot] = entry.name
            values[slot] = entry.value
        }
    }

    subscript(name: String) -> Value? {
        var slot = Self.hash(name) & mask
        while let existing = names[slot] {
            if existing == name { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// FNV-1a over the UTF-8 bytes, folded.
    private static func hash(_ name: String) -> Int {
        var name = name
        let hash = name.withUTF8 { FNV1a64.hash($0) }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
