/// Where the bytes of one record begin in a run of consecutive records of one direction and
/// channel fed to the decoder at once (``ATStreamDecoder/feed(run:direction:channel:marks:)``).
public struct ByteMark: Hashable, Sendable {
    /// Offset of the record's first byte in the run.
    public var offset: Int
    public var time: Timestamp
    /// The record's 1-based number.
    public var frame: Int

    public init(offset: Int, time: Timestamp, frame: Int) {
        self.offset = offset
        self.time = time
        self.frame = frame
    }
}
