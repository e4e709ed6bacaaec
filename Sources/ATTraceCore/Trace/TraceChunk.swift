/// Bytes of one capture record on the AT channel: one `read()` of the serial line.
///
/// Chunking is arbitrary (product.md §3): a line may span many chunks and a chunk may hold
/// many lines. The decoder's output never depends on it.
public struct TraceChunk: Hashable, Sendable {
    /// When the chunk was read (for a text log: the time printed on its line, if any).
    public var time: Timestamp
    /// The 1-based record number in a pcap, or the 1-based line number in a text log.
    public var frame: Int
    /// The logical channel (tty index or CMUX DLCI); 0 when the capture has one channel.
    public var channel: UInt32
    public var direction: Direction
    public var bytes: [UInt8]

    public init(time: Timestamp, frame: Int, channel: UInt32 = 0, direction: Direction, bytes: [UInt8]) {
        self.time = time
        self.frame = frame
        self.channel = channel
        self.direction = direction
        self.bytes = bytes
    }
}
