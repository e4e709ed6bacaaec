import ATTraceCore

/// What a tap hands to its ``CaptureRecorder``: serial bytes with their direction and read
/// time, or a recorder event (product.md §1).
public enum TapRecord: Sendable {
    case chunk(TapChunk)
    case event(RecorderEvent)

    public var time: Timestamp {
        switch self {
        case .chunk(let chunk): chunk.time
        case .event(let event): event.time
        }
    }

    /// What the record costs in the writer's queue.
    var cost: Int {
        switch self {
        case .chunk(let chunk): chunk.bytes.count + 64
        case .event: 512
        }
    }
}

/// One `read()` of a serial line (product.md §1: one record per chunk).
public struct TapChunk: Sendable {
    public var direction: Direction
    public var time: Timestamp
    public var bytes: [UInt8]
    /// The chunk's number on its input (sniff mode), written as the exported-PDU original
    /// frame number.
    public var sequence: UInt32?

    public init(direction: Direction, time: Timestamp, bytes: [UInt8], sequence: UInt32? = nil) {
        self.direction = direction
        self.time = time
        self.bytes = bytes
        self.sequence = sequence
    }
}

extension RecorderEvent {
    /// An event record of the tap: `fields` follow `"event":name`.
    public static func tap(_ name: String, at time: Timestamp,
                           _ fields: [(key: String, value: JSONValue)] = []) -> RecorderEvent {
        RecorderEvent(time: time, frame: 0, fields: [("event", .string(name))] + fields)
    }
}
