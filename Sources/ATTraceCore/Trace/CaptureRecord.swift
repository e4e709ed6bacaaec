/// One record of an input, in file order: serial bytes, a recorder event, or a problem the
/// reader found (such as a damaged tail), which the decoder passes on as a `diagnostic`.
public enum CaptureRecord: Hashable, Sendable {
    case chunk(TraceChunk)
    case event(RecorderEvent)
    case diagnostic(Diagnostic)

    public var frame: Int {
        switch self {
        case .chunk(let chunk): chunk.frame
        case .event(let event): event.frame
        case .diagnostic(let diagnostic): diagnostic.frame
        }
    }

    public var time: Timestamp? {
        switch self {
        case .chunk(let chunk): chunk.time
        case .event(let event): event.time
        case .diagnostic(let diagnostic): diagnostic.time
        }
    }
}
