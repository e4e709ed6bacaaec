import ATTraceCore

/// The serial bytes of one capture record, borrowed from libpcap's buffer: the
/// allocation-free counterpart of `TraceChunk` (product.md §1, §5).
///
/// `bytes` is valid only inside the closure that received the view; ``copied()`` makes a
/// `TraceChunk` that owns its bytes.
public struct ChunkView {
    public var time: Timestamp
    /// The 1-based record number.
    public var frame: Int
    /// The logical channel (exported-PDU tags 25/26); 0 when the record names none.
    public var channel: UInt32
    public var direction: Direction
    public var bytes: UnsafeRawBufferPointer

    public init(time: Timestamp, frame: Int, channel: UInt32, direction: Direction, bytes: UnsafeRawBufferPointer) {
        self.time = time
        self.frame = frame
        self.channel = channel
        self.direction = direction
        self.bytes = bytes
    }

    /// A `TraceChunk` holding a copy of the bytes.
    public func copied() -> TraceChunk {
        TraceChunk(time: time, frame: frame, channel: channel, direction: direction, bytes: Array(bytes))
    }
}
