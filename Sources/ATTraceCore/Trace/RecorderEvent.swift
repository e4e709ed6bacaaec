/// A recorder event record (product.md §1): a one-line JSON object written by the capture
/// tap next to the traffic, such as `{"event":"start","mode":"proxy",…}`.
///
/// Decoders ignore events for the AT stream and pass them through as `event` records.
public struct RecorderEvent: Hashable, Sendable {
    public var time: Timestamp
    public var frame: Int
    public var channel: UInt32
    /// The event name (`start`, `stop`, `app_open`, `termios`, `mark`, …).
    public var name: String
    /// The fields of the JSON body in their original order (the `event` key included).
    public var fields: [(key: String, value: JSONValue)] {
        get { storage }
        set { storage = newValue }
    }
    private var storage: [(key: String, value: JSONValue)]

    public init(time: Timestamp, frame: Int, channel: UInt32 = 0, fields: [(key: String, value: JSONValue)]) {
        self.time = time
        self.frame = frame
        self.channel = channel
        self.storage = fields
        self.name = fields.first(where: { $0.key == "event" })?.value.stringValue ?? "unknown"
    }

    /// Parses a JSON object body; `nil` when the body is not a JSON object.
    public init?(time: Timestamp, frame: Int, channel: UInt32 = 0, json body: [UInt8]) {
        guard case .object(let fields)? = try? JSONValue.parse(body) else { return nil }
        self.init(time: time, frame: frame, channel: channel, fields: fields)
    }

    public subscript(key: String) -> JSONValue? {
        storage.first(where: { $0.key == key })?.value
    }

    /// The body as one line of JSON, as the capture stores it.
    public var jsonBody: [UInt8] {
        var out: [UInt8] = []
        JSONValue.object(storage).write(to: &out)
        return out
    }

    public static func == (lhs: RecorderEvent, rhs: RecorderEvent) -> Bool {
        lhs.time == rhs.time && lhs.frame == rhs.frame && lhs.channel == rhs.channel
            && lhs.storage.elementsEqual(rhs.storage, by: { $0.key == $1.key && $0.value == $1.value })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(time)
        hasher.combine(frame)
        hasher.combine(name)
    }
}
