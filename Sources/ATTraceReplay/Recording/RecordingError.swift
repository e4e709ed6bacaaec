/// Why a capture cannot be replayed (one line for the command's exit status 2).
public enum RecordingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The capture holds no serial bytes at all.
    case noTraffic
    /// Records without a direction tag on the replayed channel: replay must know which side
    /// sent what (product.md §1 tag 35).
    case unknownDirection(frame: Int)
    /// The host never sent a command line: there is nothing to answer or to send.
    case noHostCommands

    public var description: String {
        switch self {
        case .noTraffic:
            "the capture holds no serial traffic to replay"
        case .unknownDirection(let frame):
            "record \(frame) has no direction (tag 35); replay needs to know which side sent each record"
        case .noHostCommands:
            "the capture holds no host command line to replay"
        }
    }
}
