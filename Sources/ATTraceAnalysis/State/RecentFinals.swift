import ATTraceCore

/// The final-result times of the latest transactions, by transaction id: a pipelined
/// command's response time runs from the previous command's answer (product.md §7.7).
///
/// Direct-mapped on the id: the last 256 transactions are remembered without hashing or
/// pruning, which matters because every transaction is recorded and few are looked up.
struct RecentFinals: Sendable {
    private static let size = 256
    private var slots = [(id: Int, time: Timestamp)](repeating: (0, Timestamp(nanoseconds: 0)), count: size)

    subscript(id: Int) -> Timestamp? {
        get {
            let slot = slots[id & (Self.size - 1)]
            return slot.id == id ? slot.time : nil
        }
        set {
            if let newValue { slots[id & (Self.size - 1)] = (id, newValue) }
        }
    }
}
