/// How to read a field log, beyond its dialect (the command line's import options).
public struct ImportOptions: Hashable, Sendable {
    /// Which socat address is the host (log-dialects.md: `>` is host → modem when the host
    /// is the first address).
    public enum HostSide: String, Hashable, Sendable, CaseIterable {
        case first
        case second
    }

    /// The `regex` dialect's pattern, with named groups `dir`, `time` and `data`.
    public var pattern: String?
    /// The `dir` group value (or arrow) that means host → modem.
    public var outgoingMarker: String?
    /// The `dir` group value (or arrow) that means modem → host.
    public var incomingMarker: String?
    /// How to read the `time` group: a strftime-like format (`%H:%M:%S.%f`), `epoch`,
    /// `epoch-ms`, `ms` or `s` (since boot); detected when `nil`.
    public var timeFormat: String?
    public var hostSide: HostSide = .first
    /// The `tool` field of the start event.
    public var tool: String = "attrace"
    /// For logs without directions (`raw`, `tinygsm`, `regex` without a `dir` value): give
    /// each chunk the direction the importer infers from its content instead of `unknown`,
    /// and say so in the start event (`"directions":"inferred"`). `convert` sets it, so the
    /// capture shows as Sent/Rcvd in Wireshark; `decode` leaves inference to the decoder,
    /// which marks what it inferred.
    public var assignsInferredDirections = false

    public init(pattern: String? = nil, outgoingMarker: String? = nil, incomingMarker: String? = nil,
                timeFormat: String? = nil, hostSide: HostSide = .first, tool: String = "attrace",
                assignsInferredDirections: Bool = false) {
        self.pattern = pattern
        self.outgoingMarker = outgoingMarker
        self.incomingMarker = incomingMarker
        self.timeFormat = timeFormat
        self.hostSide = hostSide
        self.tool = tool
        self.assignsInferredDirections = assignsInferredDirections
    }
}
