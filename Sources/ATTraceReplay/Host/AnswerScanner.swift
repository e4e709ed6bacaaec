/// Looks for a fixed byte sequence in a stream that arrives in pieces: the `> ` prompt or
/// the `CONNECT` of an upload, which the host must see before it sends its payload
/// (quectel-ssl.md §5.3). The decoder reports both only once the transaction is complete,
/// which for a prompted command is after the payload.
struct AnswerScanner: Hashable, Sendable {
    let pattern: [UInt8]
    private var tail: [UInt8] = []

    init(_ pattern: String) {
        self.pattern = Array(pattern.utf8)
    }

    /// Adds bytes; `true` once the pattern has appeared.
    mutating func feed(_ bytes: some Collection<UInt8>) -> Bool {
        tail.append(contentsOf: bytes)
        let found = tail.count >= pattern.count
            && (0...(tail.count - pattern.count)).contains { tail[$0..<$0 + pattern.count].elementsEqual(pattern) }
        tail = Array(tail.suffix(pattern.count - 1))
        return found
    }
}
