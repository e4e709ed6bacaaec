import ATTraceCore

/// Matching a host command line to the recording (issue 5 §1): the same line first, then
/// the same command name and form, in order, within ``ModemImpersonator/lookahead``
/// recorded commands.
extension ModemImpersonator {
    enum Match: Hashable, Sendable {
        case exact
        case nameAndForm
    }

    /// The step the line matches, and how.
    func match(_ line: [UInt8]) -> (step: Int, how: Match)? {
        var candidates: [Int] = []
        var index = cursor
        while index < recording.steps.count && candidates.count < lookahead {
            if recording.steps[index].command != nil { candidates.append(index) }
            index += 1
        }
        if let exact = candidates.first(where: { recording.steps[$0].command?.line == line }) {
            return (exact, .exact)
        }
        let parsed = CommandLineParser.parse(line[...])
        guard let first = parsed.first else { return nil }
        if let similar = candidates.first(where: { recording.steps[$0].command.map { $0.name == first.name && $0.form == first.form } ?? false }) {
            return (similar, .nameAndForm)
        }
        return nil
    }

    /// A complete command line from the host.
    mutating func handleCommandLine(_ line: [UInt8], at time: Timestamp) {
        // Bytes that are not a command line (no `AT`, `A/`) are ignored, as a module does.
        guard line.count >= 2, (line[0] | 0x20) == UInt8(ascii: "a"),
              (line[1] | 0x20) == UInt8(ascii: "t") || line[1] == UInt8(ascii: "/") else { return }
        guard let (index, how) = match(line) else {
            refuse(line, at: time)
            return
        }
        for skipped in recording.steps[cursor..<index] {
            guard let command = skipped.command else { continue }
            base.deviations.append(ReplayDeviation(kind: .skippedCommand, expected: command.lineText, received: nil,
                                                   transaction: command.transaction, time: time))
        }
        guard let command = recording.steps[index].command else { return }
        switch how {
        case .exact:
            base.exactMatches += 1
        case .nameAndForm:
            base.nameMatches += 1
            base.deviations.append(ReplayDeviation(kind: .differentLine, expected: command.lineText,
                                                   received: ByteText.string(line), transaction: command.transaction,
                                                   time: time))
        }
        cursor = index + 1
        play(index, at: time)
        if cursor < recording.steps.count, case .payload(let payload) = recording.steps[cursor].unit,
           payload.transaction == command.transaction {
            input = .payload(PayloadState(step: cursor, length: payloadLength(payload, line: line, how: how)))
        }
        // `AT+CMUX` answered `OK` in the recording: the host's next bytes are frames.
        enterMultiplexingIfFramesFollow()
    }

    /// The byte count of the host's payload, or `nil` when Ctrl+Z or ESC ends it. The same
    /// line sends what the recording had (a short payload included, product.md §7.8);
    /// another line of the same command takes its length from its own parameter.
    func payloadLength(_ payload: RecordedPayload, line: [UInt8], how: Match) -> Int? {
        if payload.isTerminated { return nil }
        let recorded = payload.wireBytes.count
        guard how == .nameAndForm, let command = CommandLineParser.parse(line[...]).first,
              let spec = catalog.command(command.name) else { return recorded }
        let parameter = payload.isUpload ? spec.transfer.flatMap(Self.uploadLengthParameter) : spec.prompt?.lengthParameter
        guard let parameter, let length = command.integer(parameter), length > 0 else { return recorded }
        return Int(length)
    }

    private static func uploadLengthParameter(_ rule: TransferRule) -> Int? {
        if case .upload(let parameter, _) = rule { return parameter }
        return nil
    }

    /// A line that matches nothing ahead: ``MismatchPolicy``.
    private mutating func refuse(_ line: [UInt8], at time: Timestamp) {
        let expected = nextCommand
        base.deviations.append(ReplayDeviation(kind: .unexpectedCommand, expected: expected?.lineText,
                                               received: ByteText.string(line), transaction: expected?.transaction,
                                               time: time))
        switch policy {
        case .error:
            queue.schedule(Array("\r\nERROR\r\n".utf8), at: time)
        case .silent:
            break
        case .stop:
            base.ending = .stoppedOnMismatch
            isStopped = true
        }
    }
}
