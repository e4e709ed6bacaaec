/// A table from canonical names (`AT+QSSLOPEN`, `+QSSLURC`) to catalog entries or other
/// values, built once and mostly read.
///
/// The decoder looks a name up for nearly every line; `Dictionary<String, …>` hashes the
/// name with SipHash, which cost more than the rest of starting a transaction. Names are
/// short ASCII, so a word-wise byte hash and open addressing with linear probing do it in a
/// few dozen instructions. Public and inlinable so that it is specialized for the value
/// types of the package's other modules.
public struct NameTable<Value: Sendable>: Sendable {
    // Inlinable, so that other modules' tables are specialized for their value type.
    @usableFromInline var names: [String?]
    @usableFromInline var values: [Value?]
    @usableFromInline var mask: Int
    @usableFromInline var count = 0

    @inlinable public init(_ entries: [(name: String, value: Value)] = []) {
        var capacity = 16
        while capacity < entries.count * 4 { capacity *= 2 }
        names = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        mask = capacity - 1
        for entry in entries {
            // A later entry of the same name replaces the earlier one (as in a dictionary).
            self[entry.name] = entry.value
        }
    }

    /// The value stored for `name`; setting one adds the name or replaces its value (a table
    /// grows to keep at least three quarters of its slots free). Names are never removed.
    @inlinable public subscript(name: String) -> Value? {
        get {
            var slot = Self.hash(name) & mask
            while let existing = names[slot] {
                if existing == name { return values[slot] }
                slot = (slot + 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { return }
            var slot = Self.hash(name) & mask
            while let existing = names[slot] {
                if existing == name {
                    values[slot] = newValue
                    return
                }
                slot = (slot + 1) & mask
            }
            names[slot] = name
            values[slot] = newValue
            count += 1
            if count * 4 > names.count { grow() }
        }
    }

    @usableFromInline mutating func grow() {
        let entries = zip(names, values).compactMap { name, value in name.map { ($0, value!) } }
        let capacity = names.count * 2
        names = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        mask = capacity - 1
        count = 0
        for (name, value) in entries { self[name] = value }
    }

    /// ``FNV1a64/wordHash(_:)`` over the UTF-8 bytes.
    @inlinable static func hash(_ name: String) -> Int {
        var name = name
        let hash = name.withUTF8 { FNV1a64.wordHash(UnsafeRawBufferPointer($0)) }
        return Int(truncatingIfNeeded: hash)
    }
}
