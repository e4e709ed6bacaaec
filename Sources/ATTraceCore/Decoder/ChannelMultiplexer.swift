/// The CMUX layer of one physical channel (3GPP TS 27.010 basic option; formats.md §5;
/// issue 6 "CMUX in any input"): splits each side's bytes into frames and says what each
/// frame means for the stream decoder, which feeds channel data to the decoder of its
/// DLCI (sigrok-style stacked decoders).
///
/// Each side has a ``CMUXDeframer`` and a ``ByteQueue`` of the bytes the deframer has not
/// yet reported on: frames and damage reports tile the stream, so consuming each report's
/// length from the queue gives its provenance (time, record) and keeps every byte in
/// exactly one output.
struct ChannelMultiplexer {
    let channel: UInt32
    /// The `AT+CMUX` transaction that started it.
    let startedBy: Int
    private var host = Side()
    private var modem = Side()
    /// A close requested by one side (DISC on DLCI 0, CLD command) waiting for the answer.
    private var closeRequest: (reason: MultiplexerRecord.Ending.Reason, by: Direction)?
    private(set) var hostDataFrames = 0
    private(set) var modemDataFrames = 0
    private(set) var dataChannels: Set<UInt8> = []
    /// The latest record fed (where an input that ends inside the multiplexer ends it).
    private(set) var lastTime: Timestamp
    private(set) var lastFrame: Int
    /// Flags, headers and checks of data frames (their information belongs to the DLCIs).
    private var hostFramingBytes = 0
    private var modemFramingBytes = 0

    /// What the stream decoder does with one report of the deframers.
    enum Output {
        /// Channel data for the decoder of `dlci`.
        case data(dlci: UInt8, direction: Direction, bytes: [UInt8], time: Timestamp, frame: Int)
        case record(DecodedRecord)
        /// The multiplexer ended after this output; the bytes still queued (plain AT again)
        /// go back to the channel's own decoder (``takeRemainder(_:_:)``).
        case ended(MultiplexerRecord.Ending.Reason, time: Timestamp, frame: Int)
    }

    private struct Side {
        var deframer = CMUXDeframer()
        var queue = ByteQueue()
    }

    init(channel: UInt32, startedBy: Int, time: Timestamp, frame: Int) {
        self.channel = channel
        self.startedBy = startedBy
        self.lastTime = time
        self.lastFrame = frame
    }

    // MARK: - Input

    /// Feeds one record's bytes of `direction`; returns what they completed, in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, direction: Direction, time: Timestamp, frame: Int) -> [Output] {
        if time > lastTime { lastTime = time }
        if frame > lastFrame { lastFrame = frame }
        switch direction {
        case .host:
            host.queue.append(bytes, time: time, frame: frame, isInferred: false)
            host.deframer.feed(bytes)
        case .modem:
            modem.queue.append(bytes, time: time, frame: frame, isInferred: false)
            modem.deframer.feed(bytes)
        case .unknown:
            // Frames cannot be split without knowing whose they are.
            return [.record(.diagnostic(Diagnostic(
                code: .cmuxFrame, message: "\(bytes.count) bytes without a direction tag on a CMUX channel cannot be deframed",
                time: time, frame: frame, channel: channel, direction: nil, bytes: Array(bytes))))]
        }
        var outputs = collect(direction)
        if case .ended = outputs.last {
            return outputs
        }
        if let resumed = textResumed(direction) { outputs.append(resumed) }
        return outputs
    }

    /// Ends the input: a frame still open becomes damage.
    mutating func finish() -> [Output] {
        for direction in [Direction.host, .modem] {
            if let resumed = textResumed(direction) { return [resumed] }
        }
        host.deframer.finish()
        modem.deframer.finish()
        return collect(.host) + collect(.modem)
    }

    /// Plain text lines instead of frames: the module restarted (`RDY`) or left CMUX. The
    /// bytes not yet reported hold no flag (so no frame is in progress), are printable
    /// and hold a line end. They stay queued, to be decoded as AT again.
    private mutating func textResumed(_ direction: Direction) -> Output? {
        let queued = direction == .host ? host.queue.bytes(0..<host.queue.count) : modem.queue.bytes(0..<modem.queue.count)
        guard queued.count >= 4, !queued.contains(CMUXFrame.flag), Self.looksLikeText(queued) else { return nil }
        let mark = direction == .host ? host.queue.mark(at: 0) : modem.queue.mark(at: 0)
        return .ended(.textResumed, time: mark.time, frame: mark.frame)
    }

    /// Every byte of `direction` that no report accounted for, with provenance.
    mutating func takeRemainder(_ direction: Direction, _ body: (UnsafeRawBufferPointer, ByteQueue.Mark) -> Void) {
        switch direction {
        case .host: host.queue.drain(body)
        case .modem: modem.queue.drain(body)
        case .unknown: break
        }
    }

    /// The earliest time of a byte not yet reported on.
    var watermark: Timestamp? {
        mutating get {
            let times = [host.queue.isEmpty ? nil : host.queue.mark(at: 0).time,
                         modem.queue.isEmpty ? nil : modem.queue.mark(at: 0).time].compactMap { $0 }
            return times.min()
        }
    }

    /// The record that closes the session, for `reason`: it accounts for the framing
    /// bytes of every data frame.
    func endingRecord(_ reason: MultiplexerRecord.Ending.Reason, time: Timestamp, frame: Int) -> MultiplexerRecord {
        MultiplexerRecord(channel: channel,
                          kind: .ended(.init(reason: reason, hostDataFrames: hostDataFrames,
                                             modemDataFrames: modemDataFrames, dataChannels: dataChannels.sorted())),
                          direction: nil, time: time, frame: frame,
                          hostByteCount: hostFramingBytes, modemByteCount: modemFramingBytes)
    }

    // MARK: - Reports

    private mutating func collect(_ direction: Direction) -> [Output] {
        var outputs: [Output] = []
        while let event = nextEvent(direction) {
            let span = consume(event.span.count, direction)
            switch event {
            case .frame(let frame):
                outputs += interpret(frame, direction: direction, span: span, byteCount: event.span.count)
            case .damage(let damage):
                outputs.append(.record(.diagnostic(Diagnostic(
                    code: .cmuxFrame, message: damage.message, time: span.firstTime, frame: span.firstFrame,
                    channel: channel, direction: direction, bytes: damage.bytes))))
            }
            if case .ended = outputs.last { return outputs }
        }
        return outputs
    }

    private mutating func nextEvent(_ direction: Direction) -> CMUXEvent? {
        direction == .host ? host.deframer.nextEvent() : modem.deframer.nextEvent()
    }

    private mutating func consume(_ length: Int, _ direction: Direction) -> ByteQueue.Span {
        direction == .host ? host.queue.consume(length) : modem.queue.consume(length)
    }

    private mutating func interpret(_ frame: CMUXFrame, direction: Direction, span: ByteQueue.Span,
                                    byteCount: Int) -> [Output] {
        if frame.type.carriesData && frame.dlci != 0 {
            if direction == .host { hostDataFrames += 1 } else { modemDataFrames += 1 }
            dataChannels.insert(frame.dlci)
            // The framing bytes are counted by the `ended` record; the information is the
            // channel's own traffic.
            framingBytes(direction, byteCount - frame.information.count)
            // A frame's bytes may start in an earlier record (a flag left over from the frame
            // before): its time is when it was complete.
            return frame.information.isEmpty ? []
                : [.data(dlci: frame.dlci, direction: direction, bytes: frame.information,
                         time: span.lastTime, frame: span.lastFrame)]
        }
        var messages: [CMUXControlMessage] = []
        var information = frame.information
        if frame.dlci == 0, frame.type.carriesData, let parsed = try? CMUXControlMessage.parse(frame.information) {
            messages = parsed
            information = []
        }
        let summary = MultiplexerRecord.FrameSummary(dlci: frame.dlci, type: frame.type, pollFinal: frame.pollFinal,
                                                     messages: messages, information: information)
        var outputs: [Output] = [.record(.multiplexer(MultiplexerRecord(
            channel: channel, kind: .frame(summary), direction: direction, time: span.lastTime, frame: span.lastFrame,
            hostByteCount: direction == .host ? byteCount : 0, modemByteCount: direction == .modem ? byteCount : 0)))]
        if let ending = closing(after: frame, messages: messages, direction: direction) {
            outputs.append(.ended(ending, time: span.lastTime, frame: span.lastFrame))
        }
        return outputs
    }

    /// Whether `frame` completes a close: DISC on DLCI 0 answered by UA, or CLD answered
    /// by its response (27.010 §5.8.2, §5.4.6.3.3).
    private mutating func closing(after frame: CMUXFrame, messages: [CMUXControlMessage],
                                  direction: Direction) -> MultiplexerRecord.Ending.Reason? {
        guard frame.dlci == 0 else { return nil }
        if frame.type == .disconnect {
            closeRequest = (.disconnect, direction)
        } else if frame.type == .unnumberedAcknowledgement || frame.type == .disconnectedMode,
                  let request = closeRequest, request.reason == .disconnect, request.by != direction {
            return .disconnect
        }
        for message in messages {
            guard case .closeDown = message.kind else { continue }
            if message.isCommand {
                closeRequest = (.closeDown, direction)
            } else if let request = closeRequest, request.reason == .closeDown, request.by != direction {
                return .closeDown
            }
        }
        return nil
    }

    // MARK: - Helpers

    private mutating func framingBytes(_ direction: Direction, _ count: Int) {
        if direction == .host { hostFramingBytes += count } else { modemFramingBytes += count }
    }

    static func looksLikeText(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x0D || $0 == 0x0A || ($0 >= 0x20 && $0 < 0x7F) }
            && bytes.contains(where: { $0 == 0x0D || $0 == 0x0A })
    }
}
