/// Bytes exchanged in transparent (online data) mode: one run per direction until the
/// other side sends or data mode ends (product.md §7.4).
public struct DataRun: Hashable, Sendable {
    public var channel: UInt32
    public var direction: Direction
    public var time: Timestamp
    public var endTime: Timestamp
    public var firstFrame: Int
    public var lastFrame: Int
    public var payload: Payload
    public var hasInferredDirection: Bool

    public init(channel: UInt32, direction: Direction, time: Timestamp, endTime: Timestamp,
                firstFrame: Int, lastFrame: Int, payload: Payload, hasInferredDirection: Bool = false) {
        self.channel = channel
        self.direction = direction
        self.time = time
        self.endTime = endTime
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.payload = payload
        self.hasInferredDirection = hasInferredDirection
    }
}
