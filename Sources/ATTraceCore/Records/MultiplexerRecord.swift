/// What the CMUX layer of a channel did (3GPP TS 27.010 basic option; formats.md §5): the
/// multiplexer started after `AT+CMUX=…` → `OK`, a control or management frame, or the
/// multiplexer ended. Data frames are not records of their own: their information goes to
/// the channel of their DLCI, and their framing bytes are counted in the `ended` record.
public struct MultiplexerRecord: Hashable, Sendable {
    /// The physical channel that carries the multiplexer.
    public var channel: UInt32
    public var kind: Kind
    /// The side that sent the frame (`nil` for `started` and `ended`).
    public var direction: Direction?
    public var time: Timestamp
    public var frame: Int
    /// Input bytes this record accounts for, per side (the decoder's byte accounting).
    public var hostByteCount: Int
    public var modemByteCount: Int

    public enum Kind: Hashable, Sendable {
        /// `AT+CMUX` was answered `OK` (the transaction `transaction`): frames follow.
        case started(transaction: Int)
        /// A frame that is not channel data: SABM, UA, DM, DISC on any DLCI, and every
        /// frame of the control channel (DLCI 0) with its control messages.
        case frame(FrameSummary)
        /// The multiplexer closed (DISC on DLCI 0 answered, CLD answered, the module
        /// restarted) or the input ended; counts of the data frames it carried.
        case ended(Ending)
    }

    /// A control or management frame.
    public struct FrameSummary: Hashable, Sendable {
        public var dlci: UInt8
        public var type: CMUXFrameType
        public var pollFinal: Bool
        /// Control messages of a UIH frame on DLCI 0 (PN, MSC, CLD, …).
        public var messages: [CMUXControlMessage]
        /// Information that is not control messages (or did not parse as them).
        public var information: [UInt8]

        public init(dlci: UInt8, type: CMUXFrameType, pollFinal: Bool, messages: [CMUXControlMessage],
                    information: [UInt8]) {
            self.dlci = dlci
            self.type = type
            self.pollFinal = pollFinal
            self.messages = messages
            self.information = information
        }

        /// One line: `SABM DLCI 1 P`, `UIH DLCI 0: MSC command DLCI 1 RTC RTR DV`.
        public var summary: String {
            var text = "\(type.name) DLCI \(dlci)"
            if pollFinal { text += type == .sabm || type == .disconnect ? " P" : " F" }
            if !messages.isEmpty {
                text += ": " + messages.map(\.summary).joined(separator: "; ")
            } else if !information.isEmpty {
                text += " \(information.count) B"
            }
            return text
        }
    }

    /// Totals of a multiplexer session.
    public struct Ending: Hashable, Sendable {
        public enum Reason: String, Hashable, Sendable {
            /// DISC on DLCI 0, answered.
            case disconnect = "DISC"
            /// The close-down control message (CLD), answered.
            case closeDown = "CLD"
            /// Plain AT text appeared instead of frames: the module restarted or left CMUX.
            case textResumed = "text"
            /// The input ended while the multiplexer was open.
            case endOfInput = "end of input"
        }

        public var reason: Reason
        /// Data frames (UIH, UI on DLCI 1–63) per side.
        public var hostDataFrames: Int
        public var modemDataFrames: Int
        /// The DLCIs that carried data.
        public var dataChannels: [UInt8]

        public init(reason: Reason, hostDataFrames: Int, modemDataFrames: Int, dataChannels: [UInt8]) {
            self.reason = reason
            self.hostDataFrames = hostDataFrames
            self.modemDataFrames = modemDataFrames
            self.dataChannels = dataChannels
        }
    }

    public init(channel: UInt32, kind: Kind, direction: Direction?, time: Timestamp, frame: Int,
                hostByteCount: Int = 0, modemByteCount: Int = 0) {
        self.channel = channel
        self.kind = kind
        self.direction = direction
        self.time = time
        self.frame = frame
        self.hostByteCount = hostByteCount
        self.modemByteCount = modemByteCount
    }

    /// The channel number of DLCI `dlci` multiplexed on `physical`: the DLCI itself on
    /// channel 0 (the usual single serial port), `physical × 256 + DLCI` otherwise.
    public static func channel(dlci: UInt8, on physical: UInt32) -> UInt32 {
        physical == 0 ? UInt32(dlci) : physical &* 256 &+ UInt32(dlci)
    }
}
