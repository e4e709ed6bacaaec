import ATTraceCore

/// Builds a ``Recording`` from a capture's records (issue 5 §1; Docs/Replay.md).
///
/// The decoder finds the host units (command lines, payloads, `+++` escapes); the module's
/// records are then cut at the first record of each unit, so that the bytes the module
/// sent between the start of one unit and the start of the next form that unit's answer:
///
///     host   AT+QSSLSEND=4,18<CR>            {18 bytes}              AT+QSSLCLOSE=4<CR>
///     module              <CR><LF>><SP>  URC           <CR><LF>SEND OK<CR><LF>      …
///            └─ step: command ──────────────┘└─ step: payload ──────┘└─ step: command …
///
/// After `AT+CMUX` is answered `OK` the line carries 27.010 frames: each host record is then
/// a unit of its own (``HostUnit/frames(_:)``), cut the same way.
///
/// Protocol knowledge stays in the decoder and the catalog; the builder only partitions
/// records, so the module's bytes are kept exactly as the capture has them.
public enum RecordingBuilder {
    /// Builds the recording of the capture's first channel (channel 0 when present).
    public static func build(from records: [CaptureRecord], catalog: CommandCatalog = .standard)
        throws(RecordingError) -> Recording {
        let allChunks = records.compactMap { record -> TraceChunk? in
            if case .chunk(let chunk) = record { return chunk }
            return nil
        }
        let channels = Set(allChunks.map(\.channel))
        guard let channel = channels.contains(0) ? 0 : channels.min() else { throw .noTraffic }
        let chunks = allChunks.filter { $0.channel == channel }
        if let unknown = chunks.first(where: { $0.direction == .unknown }) {
            throw .unknownDirection(frame: unknown.frame)
        }
        // Only the channel's records are decoded, so every decoded record is the line's own or,
        // after `AT+CMUX`, one of a DLCI the line carries (formats.md §5): all of them are
        // the conversation a replay must reproduce.
        let decoded = ATStreamDecoder.decode(records.filter { channelOf($0) == channel }, catalog: catalog)
        // The units are the line's: a DLCI's commands travel inside the host's frames.
        let line = decoded.filter { $0.channel == channel }
        var drafts = units(of: line, chunks: chunks)
        guard drafts.contains(where: { $0.step.command != nil }) else { throw .noHostCommands }
        drafts = ordered(drafts + frameUnits(of: line, chunks: chunks, excluding: Set(drafts.map(\.step.frame))))
        let switches = modeSwitches(of: line, chunks: chunks)
        let opening = assign(chunks, to: &drafts, switches: switches)
        attach(line, to: &drafts)
        for index in drafts.indices {
            stripEcho(of: &drafts[index])
            let lastOutput = drafts[index].step.output.last.map { drafts[index].end.adding($0.offset) }
            let quietFrom = max(drafts[index].end, lastOutput ?? drafts[index].end)
            if index + 1 < drafts.count {
                drafts[index].step.pauseAfter = max(.zero, drafts[index + 1].start.since(quietFrom))
                if let finalFrame = drafts[index].finalFrame, case .command = drafts[index].step.unit {
                    drafts[index].step.isPipelined = finalFrame > drafts[index + 1].step.frame
                }
            }
        }
        return Recording(channel: channel, opening: opening, steps: drafts.map(\.step),
                         ignoredChannels: channels.subtracting([channel]).sorted(), decoded: decoded)
    }

    private static func channelOf(_ record: CaptureRecord) -> UInt32 {
        switch record {
        case .chunk(let chunk): chunk.channel
        case .event(let event): event.channel
        case .diagnostic(let diagnostic): diagnostic.channel
        }
    }

    /// A step under construction, with the times the partition needs.
    struct Draft {
        var step: RecordedStep
        /// Time of the unit's first byte.
        var start: Timestamp
        /// Time of the unit's last byte: offsets are measured from here.
        var end: Timestamp
        var transaction: Int?
        /// The record of the transaction's final result, if it had one.
        var finalFrame: Int?
    }

    // MARK: - Host units

    /// The host units in the order the host sent them.
    static func units(of decoded: [DecodedRecord], chunks: [TraceChunk]) -> [Draft] {
        let hostChunks = chunks.filter { $0.direction == .host }
        var drafts: [Draft] = []
        for record in decoded {
            if case .transaction(let transaction) = record {
                drafts.append(commandDraft(transaction))
                if let payload = transaction.tx {
                    drafts.append(payloadDraft(payload, of: transaction, hostChunks: hostChunks))
                }
            } else if case .mode(let mode) = record, mode.reason == .escape, mode.final != nil {
                let lastPlus = mode.time.adding(mode.escapeGuard?.spread ?? .zero)
                let escape = RecordedEscape(silenceBefore: mode.escapeGuard?.silenceBefore)
                drafts.append(Draft(step: RecordedStep(unit: .escape(escape), time: lastPlus, frame: mode.frame),
                                    start: mode.time, end: lastPlus, transaction: nil))
            }
        }
        // Decoded records come in completion order; the host sent them in frame order.
        return ordered(drafts)
    }

    /// The drafts in the order the host sent their units.
    static func ordered(_ drafts: [Draft]) -> [Draft] {
        drafts.enumerated().sorted { lhs, rhs in
            (lhs.element.step.frame, lhs.element.start, lhs.offset) < (rhs.element.step.frame, rhs.element.start, rhs.offset)
        }.map(\.element)
    }

    /// Every host record while the CMUX multiplexer ran (from the `OK` to `AT+CMUX` to the
    /// record that closed it, formats.md §5) is a unit of its own, kept byte for byte:
    /// the module's records between it and the host's next record are its answer, as for
    /// any unit. Records that begin a unit of the line (text after the multiplexer) are
    /// left to it.
    static func frameUnits(of line: [DecodedRecord], chunks: [TraceChunk], excluding unitFrames: Set<Int>) -> [Draft] {
        var windows: [ClosedRange<Int>] = []
        var openedAt: Int?
        for case .multiplexer(let record) in line {
            switch record.kind {
            case .started:
                openedAt = record.frame
            case .ended:
                if let start = openedAt, start < record.frame { windows.append(start + 1...record.frame) }
                openedAt = nil
            case .frame:
                continue
            }
        }
        if let start = openedAt { windows.append(start + 1...Int.max) }
        guard !windows.isEmpty else { return [] }
        return chunks.filter { chunk in
            chunk.direction == .host && !chunk.bytes.isEmpty && !unitFrames.contains(chunk.frame)
                && windows.contains { $0.contains(chunk.frame) }
        }.map { chunk in
            let step = RecordedStep(unit: .frames(RecordedFrames(bytes: chunk.bytes)), time: chunk.time, frame: chunk.frame)
            return Draft(step: step, start: chunk.time, end: chunk.time, transaction: nil)
        }
    }

    private static func commandDraft(_ transaction: Transaction) -> Draft {
        let line = transaction.commandLine
        let isRepeat = line.count == 2 && (line[0] | 0x20) == UInt8(ascii: "a") && line[1] == UInt8(ascii: "/")
        let command = RecordedCommand(
            transaction: transaction.id, line: line, wireBytes: isRepeat ? line : line + [0x0D],
            name: transaction.name, form: transaction.form, isEchoed: transaction.hasEcho,
            final: transaction.final?.line)
        let step = RecordedStep(unit: .command(command), time: transaction.commandEnd, frame: transaction.firstFrame)
        return Draft(step: step, start: transaction.start, end: transaction.commandEnd, transaction: transaction.id,
                     finalFrame: transaction.final?.frame)
    }

    private static func payloadDraft(_ payload: Payload, of transaction: Transaction, hostChunks: [TraceChunk]) -> Draft {
        // The payload's first record: the first host record at or after its first byte's time.
        let frame = hostChunks.first(where: { $0.frame >= transaction.firstFrame && $0.time >= payload.time })?.frame
            ?? transaction.lastFrame
        let recorded = RecordedPayload(transaction: transaction.id, bytes: payload.bytes, end: payload.end,
                                       declaredLength: payload.declaredLength, isUpload: !transaction.hasPrompt)
        let step = RecordedStep(unit: .payload(recorded), time: payload.endTime, frame: frame)
        return Draft(step: step, start: payload.time, end: payload.endTime, transaction: transaction.id)
    }

    // MARK: - Module records

    /// The frames at which the channel's mode changes, as the module's records show it.
    static func modeSwitches(of decoded: [DecodedRecord], chunks: [TraceChunk]) -> [(frame: Int, mode: ChannelMode)] {
        let moduleChunks = chunks.filter { $0.direction == .modem }
        var switches: [(frame: Int, mode: ChannelMode)] = []
        for case .mode(let mode) in decoded {
            var frame = mode.frame
            if mode.reason == .escape || mode.reason == .dtr, let answered = mode.finalTime {
                // The channel is back in command mode once the module's `OK` is out.
                frame = moduleChunks.first(where: { $0.frame >= mode.frame && $0.time >= answered })?.frame ?? frame
            }
            switches.append((frame, mode.mode == .data ? .data : .command))
        }
        return switches.sorted { $0.frame < $1.frame }
    }

    /// Gives every module record to the step of the last host unit that began before it;
    /// returns the records that came before the first unit.
    static func assign(_ chunks: [TraceChunk], to drafts: inout [Draft],
                       switches: [(frame: Int, mode: ChannelMode)]) -> [RecordedOutput] {
        var opening: [RecordedOutput] = []
        let origin = chunks.first?.time ?? Timestamp(nanoseconds: 0)
        var current = -1
        var mode = ChannelMode.command
        var switchIndex = 0
        var payloadProgress = 0
        var hostData = 0
        var hostReference = origin
        for chunk in chunks {
            while current + 1 < drafts.count && drafts[current + 1].step.frame <= chunk.frame {
                current += 1
                payloadProgress = 0
            }
            if chunk.direction == .host {
                if current >= 0, case .payload = drafts[current].step.unit {
                    payloadProgress += chunk.bytes.count
                    hostReference = chunk.time
                } else if mode == .data {
                    hostData += chunk.bytes.count
                    hostReference = chunk.time
                }
                continue
            }
            // Host data before this record, counted before a mode switch clears it.
            let dataBefore = mode == .data ? hostData : 0
            var modeAfter: ChannelMode?
            while switchIndex < switches.count && switches[switchIndex].frame <= chunk.frame {
                if switches[switchIndex].mode != mode {
                    mode = switches[switchIndex].mode
                    modeAfter = mode
                    hostData = 0
                }
                switchIndex += 1
            }
            guard current >= 0 else {
                opening.append(RecordedOutput(offset: chunk.time.since(origin), bytes: chunk.bytes, modeAfter: modeAfter,
                                              frame: chunk.frame))
                continue
            }
            var output = RecordedOutput(offset: chunk.time.since(drafts[current].end), bytes: chunk.bytes,
                                        modeAfter: modeAfter, frame: chunk.frame)
            if case .payload(let payload) = drafts[current].step.unit, payloadProgress < payload.wireBytes.count {
                // The module answered part of a payload before the rest came (ACK mode).
                output.afterPayloadBytes = payloadProgress
                output.offset = chunk.time.since(hostReference)
            } else if dataBefore > 0, case .command = drafts[current].step.unit {
                // Data the module sent after the host's data in the same session.
                output.afterHostData = dataBefore
                output.offset = chunk.time.since(hostReference)
            }
            drafts[current].step.output.append(output)
        }
        return opening
    }

    /// Host data-mode runs and URCs go to the step they happened in.
    static func attach(_ decoded: [DecodedRecord], to drafts: inout [Draft]) {
        let frames = drafts.map(\.step.frame)
        func owner(of frame: Int) -> Int? {
            var low = 0
            var high = frames.count
            while low < high {
                let middle = (low + high) / 2
                if frames[middle] < frame { low = middle + 1 } else { high = middle }
            }
            return low > 0 ? low - 1 : nil
        }
        for record in decoded {
            if case .data(let run) = record, run.direction == .host, let index = owner(of: run.firstFrame) {
                drafts[index].step.hostData.append(TimedBytes(offset: run.time.since(drafts[index].end),
                                                              bytes: run.payload.bytes))
            } else if case .urc(let urc) = record, let index = owner(of: urc.frame) {
                let isAsync = urc.transaction != nil && urc.transaction == drafts[index].transaction
                drafts[index].step.urcs.append(RecordedURC(name: urc.name, offset: urc.time.since(drafts[index].end),
                                                           isAsyncResult: isAsync))
            }
        }
        for index in drafts.indices {
            drafts[index].step.hostData.sort { $0.offset < $1.offset }
            drafts[index].step.urcs.sort { $0.offset < $1.offset }
        }
    }

    /// Takes the echo of an echoed command out of the recorded bytes: a replay echoes what
    /// the host actually sends, as it arrives. An echo that is not at the front (a URC came
    /// first) stays recorded and the command is played as not echoed.
    static func stripEcho(of draft: inout Draft) {
        guard case .command(var command) = draft.step.unit, command.isEchoed else { return }
        let echo = command.wireBytes
        var outputs = draft.step.output
        var matched = 0
        var index = 0
        while matched < echo.count && index < outputs.count {
            let bytes = outputs[index].bytes
            let take = min(bytes.count, echo.count - matched)
            guard bytes.prefix(take).elementsEqual(echo[matched..<matched + take]) else { break }
            matched += take
            if take == bytes.count {
                outputs[index].bytes = []
                index += 1
            } else {
                outputs[index].bytes.removeFirst(take)
            }
        }
        if matched == echo.count {
            // Bytes that were only echo carry nothing else, except a mode change.
            draft.step.output = outputs.filter { !$0.bytes.isEmpty || $0.modeAfter != nil }
        } else {
            command.isEchoed = false
            draft.step.unit = .command(command)
        }
    }
}
