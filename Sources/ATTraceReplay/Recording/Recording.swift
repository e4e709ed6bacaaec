import ATTraceCore

/// A capture turned into what a replay plays (issue 5, Docs/Replay.md "How a recording is
/// built"): the module's bytes before the host's first unit, then one ``RecordedStep`` per
/// host unit (command line, payload, escape, or a record of CMUX frames) in the order the
/// host sent them.
///
/// Built by ``RecordingBuilder`` from the original records: the decoder says where each
/// host unit begins and ends, and every module record goes, byte for byte, to the step of
/// the last host unit that began before it. Played back in order, the steps give the
/// module's byte stream of the original exactly.
public struct Recording: Hashable, Sendable {
    /// The channel the recording was taken from (the capture may hold more).
    public var channel: UInt32
    /// Module bytes before the host's first unit (`RDY` at power-on), offsets from the
    /// capture's first record.
    public var opening: [RecordedOutput]
    public var steps: [RecordedStep]
    /// Channels of the capture that the recording leaves out.
    public var ignoredChannels: [UInt32]
    /// The original capture's decoded records of the channel (transactions, URCs, data,
    /// modes, and after `AT+CMUX` the multiplexer's frames and its DLCIs' records), for
    /// comparing a replayed session with it.
    public var decoded: [DecodedRecord]

    public init(channel: UInt32, opening: [RecordedOutput], steps: [RecordedStep], ignoredChannels: [UInt32] = [],
                decoded: [DecodedRecord] = []) {
        self.channel = channel
        self.opening = opening
        self.steps = steps
        self.ignoredChannels = ignoredChannels
        self.decoded = decoded
    }

    /// The command steps, in order.
    public var commands: [RecordedCommand] { steps.compactMap(\.command) }

    /// How many steps are host records of CMUX frames.
    public var frameUnitCount: Int {
        steps.reduce(0) { count, step in
            if case .frames = step.unit { return count + 1 }
            return count
        }
    }

    /// Every module byte of the recording, in order (echo left out where it is live).
    public var moduleBytes: [UInt8] {
        opening.flatMap(\.bytes) + steps.flatMap(\.outputBytes)
    }
}
