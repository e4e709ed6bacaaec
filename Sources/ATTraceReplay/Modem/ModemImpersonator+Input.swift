import ATTraceCore

/// The host's bytes as the replayed modem reads them (product.md §3 host side): command
/// lines, payloads after a prompt or an upload's `CONNECT`, data mode and its `+++` escape,
/// and CMUX frames (+Multiplexing).
extension ModemImpersonator {
    /// What the host's next bytes are.
    enum InputState: Hashable, Sendable {
        case command(CommandLineState)
        case payload(PayloadState)
        case data(DataModeState)
        case multiplexed(FramesState)
    }

    struct CommandLineState: Hashable, Sendable {
        var line: [UInt8] = []
        var isInLine = false
        var echoes = false
    }

    struct PayloadState: Hashable, Sendable {
        /// The payload's step.
        var step: Int
        /// The byte count, or `nil` for a payload that ends with Ctrl+Z or ESC.
        var length: Int?
        var bytes: [UInt8] = []
        /// Wire bytes taken so far (terminator included).
        var count = 0
        /// Outputs of the step already released by progress (ACK mode).
        var released = 0
    }

    struct DataModeState: Hashable, Sendable {
        /// When the host last sent a data byte (or data mode began).
        var quietSince: Timestamp
        var plusCount = 0
        var firstPlus: Timestamp?
        var silenceBeforePlus: Duration?
        /// When three `+` followed by the guard time make an escape.
        var escapeDeadline: Timestamp?
        var lastPlus: Timestamp?
    }

    static let maximumLineLength = 65_536
    static let carriageReturn: UInt8 = 0x0D

    /// Takes bytes the host wrote at `time`.
    public mutating func receive(_ bytes: some Collection<UInt8>, at time: Timestamp) {
        if !isStarted { start(at: time) }
        for byte in bytes where !isStopped {
            switch input {
            case .command(var state):
                // Cleared while the line grows, so its bytes are not shared (and copied).
                input = .command(CommandLineState())
                if let line = take(byte, into: &state, at: time) {
                    handleCommandLine(line, at: time)
                } else {
                    input = .command(state)
                }
            case .payload(var state):
                input = .command(CommandLineState())
                if take(byte, into: &state, at: time) {
                    completePayload(state, at: time)
                } else {
                    input = .payload(state)
                }
            case .data(var state):
                take(byte, into: &state, at: time)
                input = .data(state)
            case .multiplexed(var state):
                input = .command(CommandLineState())
                if take(byte, into: &state, at: time) {
                    completeFrames(state.bytes, at: time)
                } else {
                    input = .multiplexed(state)
                }
            }
        }
    }

    // MARK: - Command lines

    /// Adds a byte to the line; returns the line when it is complete.
    private mutating func take(_ byte: UInt8, into state: inout CommandLineState, at time: Timestamp) -> [UInt8]? {
        if !state.isInLine {
            // Characters before the `AT` (or `A/`) prefix are ignored (V.250 §5.2.1): line
            // ends, spaces, data the host sent after the module left data mode.
            guard byte | 0x20 == UInt8(ascii: "a") else { return nil }
            state.isInLine = true
            state.echoes = nextCommand?.isEchoed ?? false
            // The host began its next unit: what earlier steps still have to send goes first.
            hurry(at: time)
        } else if state.line.count == 1 && byte | 0x20 != UInt8(ascii: "t") && byte != UInt8(ascii: "/") {
            // An `A` that does not start a prefix: look for one from this byte on.
            state = CommandLineState()
            return take(byte, into: &state, at: time)
        }
        if state.echoes { queue.schedule([byte], at: time) }
        if byte == Self.carriageReturn { return state.line }
        if state.line.count < Self.maximumLineLength { state.line.append(byte) }
        // `A/` repeats the previous line and needs no terminator (V.250 §5.2.4).
        if state.line.count == 2 && (state.line[0] | 0x20) == UInt8(ascii: "a") && state.line[1] == UInt8(ascii: "/") {
            return state.line
        }
        return nil
    }

    /// The next command step of the recording, if any.
    var nextCommand: RecordedCommand? {
        recording.steps[cursor...].lazy.compactMap(\.command).first
    }

    // MARK: - Payloads

    /// Adds a payload byte; `true` when the payload is complete.
    private mutating func take(_ byte: UInt8, into state: inout PayloadState, at time: Timestamp) -> Bool {
        if state.count == 0 { hurry(at: time) }
        state.count += 1
        defer { releaseProgress(upTo: state.count, of: &state, at: time) }
        if let length = state.length {
            if state.bytes.count < Payload.storageLimit { state.bytes.append(byte) }
            return state.count >= length
        }
        if byte == 0x1A || byte == 0x1B {
            state.bytes.append(byte)
            return true
        }
        if state.bytes.count < Payload.storageLimit { state.bytes.append(byte) }
        return false
    }

    /// Plays the step's bytes that the module sent once the host had sent `count` payload
    /// bytes (`AT+QFUPL` in ACK mode: `A` per 1024 bytes).
    private mutating func releaseProgress(upTo count: Int, of state: inout PayloadState, at time: Timestamp) {
        let outputs = recording.steps[state.step].output
        while state.released < outputs.count, let after = outputs[state.released].afterPayloadBytes, after <= count {
            let output = outputs[state.released]
            queue.schedule(output.bytes, at: time.adding(timing.delay(output.offset)), modeAfter: output.modeAfter)
            state.released += 1
        }
    }

    private mutating func completePayload(_ state: PayloadState, at time: Timestamp) {
        guard case .payload(let recorded) = recording.steps[state.step].unit else { return }
        var bytes = state.bytes
        var end = Payload.End.count
        if state.length == nil, let last = bytes.last {
            end = last == 0x1A ? .ctrlZ : .escape
            bytes.removeLast()
        }
        let recordedEnd: Payload.End = recorded.isTerminated ? recorded.end : .count
        if bytes != recorded.bytes || end != recordedEnd {
            base.deviations.append(ReplayDeviation(
                kind: .differentPayload, expected: Self.describe(recorded.bytes, end: recordedEnd),
                received: Self.describe(bytes, end: end), transaction: recorded.transaction, time: time))
        }
        cursor = state.step + 1
        play(state.step, at: time, releasedUpTo: state.released)
    }

    static func describe(_ bytes: [UInt8], end: Payload.End) -> String {
        let digits = String(FNV1a64.hash(bytes), radix: 16)
        let suffix = end == .count ? "" : " + \(end.rawValue)"
        return "\(bytes.count) bytes (fnv1a \(String(repeating: "0", count: 16 - digits.count) + digits))\(suffix)"
    }

    // MARK: - Data mode

    /// Counts a data-mode byte and watches for `+++` (quectel-ssl.md §3.4 rules 1–3).
    private mutating func take(_ byte: UInt8, into state: inout DataModeState, at time: Timestamp) {
        if state.escapeDeadline != nil {
            // A byte within the guard time after `+++`: it was data after all.
            countData(state.plusCount, at: time)
            state = DataModeState(quietSince: time)
        }
        guard byte == UInt8(ascii: "+") else {
            countData(state.plusCount + 1, at: time)
            state = DataModeState(quietSince: time)
            return
        }
        if state.plusCount == 0 {
            state.firstPlus = time
            state.silenceBeforePlus = time.since(state.quietSince)
        }
        state.plusCount += 1
        guard state.plusCount == 3 else { return }
        if let first = state.firstPlus, time.since(first) <= timing.escapeGuard {
            state.lastPlus = time
            state.escapeDeadline = time.adding(timing.escapeGuard)
        } else {
            countData(3, at: time)
            state = DataModeState(quietSince: time)
        }
    }

    /// Host data-mode bytes: counted, and the module's answers to them released.
    private mutating func countData(_ count: Int, at time: Timestamp) {
        base.hostDataBytes += count
        sessionDataBytes += count
        releaseHeld(at: time)
    }

    /// The guard time after `+++` has passed in silence.
    mutating func recognizeEscape(_ state: DataModeState, at time: Timestamp) {
        var recorded: RecordedEscape?
        if cursor < recording.steps.count, case .escape(let escape) = recording.steps[cursor].unit {
            recorded = escape
        }
        // The module of the recording took its escape with less silence than the rule
        // asks, so the replay does too.
        let required = min(timing.escapeGuard, recorded?.silenceBefore ?? timing.escapeGuard)
        guard let silence = state.silenceBeforePlus, silence >= required else {
            input = .data(DataModeState(quietSince: state.lastPlus ?? time))
            countData(3, at: time)
            return
        }
        hurry(at: time)
        if recorded != nil {
            cursor += 1
            enter(.command, at: time)
            play(cursor - 1, at: time, from: state.lastPlus)
            return
        }
        base.deviations.append(ReplayDeviation(kind: .unexpectedEscape, expected: nextCommand?.lineText,
                                               received: "+++", transaction: nextCommand?.transaction, time: time))
        switch policy {
        case .error:
            // A module answers a valid escape whatever the recording says.
            enter(.command, at: time)
            queue.schedule(Array("\r\nOK\r\n".utf8), at: time)
        case .silent:
            input = .data(DataModeState(quietSince: time))
            countData(3, at: time)
        case .stop:
            base.ending = .stoppedOnMismatch
            isStopped = true
        }
    }
}
