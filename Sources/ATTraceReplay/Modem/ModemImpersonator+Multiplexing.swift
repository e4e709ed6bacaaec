import ATTraceCore

/// The host's CMUX frames as the replayed modem reads them (formats.md §5; Docs/Replay.md
/// "As the modem"): after the recorded `AT+CMUX` step, each recorded host record of frames
/// is awaited as that many bytes, compared byte for byte, and answered with the module's
/// recorded frames. The replay does not deframe: the recording's frames answer the
/// recording's frames, so the bytes are the whole contract.
extension ModemImpersonator {
    struct FramesState: Hashable, Sendable {
        /// The host's bytes for the frames step at the cursor, so far.
        var bytes: [UInt8] = []
    }

    /// The recorded host bytes of the step at the cursor, when it is a record of frames.
    var expectedFrames: RecordedFrames? {
        guard cursor < recording.steps.count, case .frames(let frames) = recording.steps[cursor].unit else { return nil }
        return frames
    }

    /// Reads frames while the recording's next step is frames; command lines otherwise (the
    /// multiplexer closed, and the line is AT again).
    mutating func enterMultiplexingIfFramesFollow() {
        if expectedFrames != nil {
            input = .multiplexed(FramesState())
        } else if case .multiplexed = input {
            input = .command(CommandLineState())
        }
    }

    /// Adds a host byte; `true` once there are as many as the recorded record had.
    mutating func take(_ byte: UInt8, into state: inout FramesState, at time: Timestamp) -> Bool {
        // The host began its next unit: what earlier steps still have to send goes first.
        if state.bytes.isEmpty { hurry(at: time) }
        state.bytes.append(byte)
        return state.bytes.count >= (expectedFrames?.bytes.count ?? 0)
    }

    /// The host sent as many bytes as the recorded record: the same bytes play the step;
    /// other bytes are a deviation handled by the ``MismatchPolicy``.
    mutating func completeFrames(_ bytes: [UInt8], at time: Timestamp) {
        guard let recorded = expectedFrames else {
            enterMultiplexingIfFramesFollow()
            return
        }
        let index = cursor
        cursor += 1
        if bytes == recorded.bytes {
            base.frameMatches += 1
            play(index, at: time)
        } else {
            base.deviations.append(ReplayDeviation(
                kind: .differentFrames,
                expected: "record \(recording.steps[index].frame): " + Self.describe(recorded.bytes, end: .count),
                received: Self.describe(bytes, end: .count), transaction: nil, time: time))
            switch policy {
            case .error:
                // As for a payload that differs: the module's recorded frames answer.
                play(index, at: time)
            case .silent:
                break
            case .stop:
                base.ending = .stoppedOnMismatch
                isStopped = true
                return
            }
        }
        enterMultiplexingIfFramesFollow()
    }
}
