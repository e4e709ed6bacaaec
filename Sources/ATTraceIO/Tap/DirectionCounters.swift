import ATTraceCore

/// What a tap did with one direction's bytes, for the `stop` event (product.md §1).
public struct DirectionCounters: Hashable, Sendable {
    /// Bytes and chunks read (and recorded).
    public var bytes = 0
    public var chunks = 0
    /// Read while the receiving side was closed or gone: recorded, never delivered.
    public var undeliveredBytes = 0
    /// Read and recorded, but dropped for delivery because the receiver stalled
    /// (`overrun`) or closed with them still queued.
    public var droppedBytes = 0

    public init() {}

    mutating func count(_ length: Int) {
        bytes += length
        chunks += 1
    }

    public var jsonObject: JSONValue {
        .object([
            ("bytes", .integer(Int64(bytes))),
            ("chunks", .integer(Int64(chunks))),
            ("undelivered_bytes", .integer(Int64(undeliveredBytes))),
            ("dropped_bytes", .integer(Int64(droppedBytes))),
        ])
    }
}
