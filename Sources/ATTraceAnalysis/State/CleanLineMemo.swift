/// Command lines the analyzer has already found clean, recognised by the identity of their
/// bytes: the decoder gives a recurring line one shared array (its line cache), so a repeat
/// is found by one pointer comparison, with no hashing of the bytes.
///
/// Holding the array keeps its storage alive and shared, so no other line can have the same
/// storage address while it is remembered, and a shared array is never changed in place:
/// the same address means the same bytes. A line not recognised is simply checked again.
struct CleanLineMemo {
    /// As many as the decoder's line cache holds lines: every line it shares can be remembered.
    static let slotCount = 4096
    private var lines: [[UInt8]] = Array(repeating: [], count: CleanLineMemo.slotCount)

    func contains(_ line: [UInt8]) -> Bool {
        guard let address = Self.address(of: line) else { return false }
        let stored = lines[Self.slot(of: address)]
        return Self.address(of: stored) == address && stored.count == line.count
    }

    mutating func insert(_ line: [UInt8]) {
        guard let address = Self.address(of: line) else { return }
        lines[Self.slot(of: address)] = line
    }

    /// `nil` for an empty line: every empty array shares one storage, and the slots start
    /// empty.
    private static func address(of line: [UInt8]) -> UInt? {
        guard !line.isEmpty else { return nil }
        return line.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { UInt(bitPattern: $0) } }
    }

    private static func slot(of address: UInt) -> Int {
        // Heap addresses are 16-byte aligned: the low bits carry nothing.
        Int((address >> 4 ^ address >> 16) % UInt(slotCount))
    }
}
