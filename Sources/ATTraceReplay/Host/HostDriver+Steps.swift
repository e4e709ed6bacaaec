import ATTraceCore

/// Sending the recorded host units and waiting between them (issue 5 §2).
extension HostDriver {
    /// What to do now: bytes to send, the time to wake up, or the end.
    public mutating func nextAction(at now: Timestamp) -> ReplayAction {
        while true {
            switch phase {
            case .finished:
                return .finished
            case .idle(let readyAt):
                guard cursor < recording.steps.count else {
                    phase = .finished
                    continue
                }
                if let readyAt, now < readyAt { return .wait(until: readyAt) }
                if let bytes = sendStep(at: now) { return .send(bytes) }
            case .answer(let wait):
                guard now >= wait.deadline else { return .wait(until: wait.deadline) }
                noteUnanswered(at: now)
                if wait.scanner != nil, cursor < recording.steps.count, case .payload = recording.steps[cursor].unit {
                    cursor += 1
                }
                phase = .idle(readyAt: now)
            case .urcs(let deadline):
                guard now >= deadline else { return .wait(until: deadline) }
                phase = .idle(readyAt: now.adding(timing.delay(recording.steps[cursor - 1].pauseAfter)))
            case .data(var session):
                if session.next < session.items.count {
                    let first = session.items[session.next]
                    guard first.due <= now else { return .wait(until: first.due) }
                    session.next += 1
                    phase = .data(session)
                    return .send(send(first.bytes, at: now))
                }
                if cursor < recording.steps.count, case .escape = recording.steps[cursor].unit {
                    // Guard rule 1: silence before the first `+` (with a margin for the link).
                    let guardTime = timing.escapeGuard + Duration(nanoseconds: timing.escapeGuard.nanoseconds / 10)
                    phase = .idle(readyAt: max(now, (lastSent ?? now).adding(guardTime)))
                    continue
                }
                guard let leave = session.leaveDeadline, now < leave else {
                    phase = .idle(readyAt: now)
                    continue
                }
                return .wait(until: leave)
            case .escape(let deadline):
                guard now >= deadline else { return .wait(until: deadline) }
                base.deviations.append(ReplayDeviation(kind: .unanswered, expected: "+++", received: nil,
                                                       transaction: nil, time: now))
                phase = .idle(readyAt: now)
            case .frames(let wait):
                guard now >= wait.deadline else { return .wait(until: wait.deadline) }
                let step = recording.steps[cursor - 1]
                base.deviations.append(ReplayDeviation(
                    kind: .unanswered, expected: "record \(step.frame): \(wait.expected) module bytes after the frames",
                    received: "\(wait.received) bytes", transaction: nil, time: now))
                phase = .idle(readyAt: now)
            }
        }
    }

    /// Sends the unit at the cursor; `nil` when it is skipped (an escape with the live
    /// module not in data mode, because it did not answer `CONNECT`).
    private mutating func sendStep(at now: Timestamp) -> [UInt8]? {
        let index = cursor
        let step = recording.steps[index]
        cursor += 1
        urcsSinceUnit.removeAll()
        switch step.unit {
        case .command(let command):
            let parsed = CommandLineParser.parse(command.line[...]).first
            var scanner: AnswerScanner?
            if index + 1 < recording.steps.count, case .payload(let payload) = recording.steps[index + 1].unit,
               payload.transaction == command.transaction {
                scanner = AnswerScanner(payload.isUpload ? "CONNECT" : "> ")
            }
            let bytes = send(command.wireBytes, at: now)
            commandFrame = frame
            if step.isPipelined && scanner == nil {
                // The recorded host did not wait for this answer before its next command.
                phase = .idle(readyAt: now.adding(timing.delay(step.pauseAfter)))
            } else {
                phase = .answer(AnswerWait(commandFrame: commandFrame, deadline: now.adding(responseTime(parsed)),
                                           scanner: scanner, sent: now))
            }
            base.stepsPlayed += 1
            return bytes
        case .payload(let payload):
            let parsed = recordedCommand(of: payload.transaction).flatMap { CommandLineParser.parse($0.line[...]).first }
            phase = .answer(AnswerWait(commandFrame: commandFrame, deadline: now.adding(responseTime(parsed)),
                                       scanner: nil, sent: now))
            base.stepsPlayed += 1
            return send(payload.wireBytes, at: now)
        case .escape:
            guard isDataMode else {
                phase = .idle(readyAt: now)
                return nil
            }
            phase = .escape(deadline: now.adding(timing.escapeGuard + unsolicitedGrace))
            base.stepsPlayed += 1
            return send(RecordedEscape.wireBytes, at: now)
        case .frames(let frames):
            base.stepsPlayed += 1
            let bytes = send(frames.bytes, at: now)
            awaitFrameAnswer(ofStep: index, at: now)
            return bytes
        }
    }

    private mutating func send(_ bytes: [UInt8], at now: Timestamp) -> [UInt8] {
        lastSent = now
        frame += 1
        decoder.feed(TraceChunk(time: now, frame: frame, channel: recording.channel, direction: .host, bytes: bytes))
        while let record = decoder.nextRecord() { observeSent(record, at: now) }
        return bytes
    }

    /// Records the decoder completes because of host bytes (an abandoned command).
    private mutating func observeSent(_ record: DecodedRecord, at now: Timestamp) {
        if case .transaction(let transaction) = record {
            completed[transaction.id] = transaction
        }
    }

    /// How long to wait for a command's final result: its maximum response time (catalog;
    /// the generic watchdog without one) and a tenth more, so that the next command comes
    /// after the bound has passed, as a decoder judges an abandoned command (§7.7).
    func responseTime(_ command: ATCommand?) -> Duration {
        guard let command else { return DeadlineContext.genericWatchdog }
        let bound = deadlines.decisionDeadline(for: command, spec: catalog.command(command.name))
        return bound + Duration(nanoseconds: bound.nanoseconds / 10) + .milliseconds(1)
    }

    func recordedCommand(of transaction: Int) -> RecordedCommand? {
        recording.commands.first { $0.transaction == transaction }
    }

    private mutating func noteUnanswered(at now: Timestamp) {
        let recorded = recording.steps[..<cursor].last(where: { $0.command != nil })?.command
        base.deviations.append(ReplayDeviation(kind: .unanswered, expected: recorded?.lineText, received: nil,
                                               transaction: recorded?.transaction, time: now))
    }

    // MARK: - Between units

    /// The answer to the unit of step `index` is complete: wait for the URCs the recorded
    /// host saw before its next unit.
    mutating func awaitURCs(ofStep index: Int, sent: Timestamp, at time: Timestamp) {
        let step = recording.steps[index]
        guard !step.urcs.isEmpty, !urcsArrived(for: step) else {
            phase = .idle(readyAt: time.adding(timing.delay(step.pauseAfter)))
            return
        }
        let parsed = recordedCommand(of: transactionOf(step))
            .flatMap { CommandLineParser.parse($0.line[...]).first }
        var deadline = time
        for urc in step.urcs {
            var wait = timing.delay(urc.offset) + unsolicitedGrace
            if urc.isAsyncResult, let parsed, let spec = catalog.command(parsed.name),
               let result = spec.asyncResults.first(where: { $0.urc == urc.name }) {
                wait = deadlines.resolve(result.deadline, for: parsed) ?? DeadlineContext.genericWatchdog
            }
            deadline = max(deadline, sent.adding(wait))
        }
        phase = .urcs(deadline: deadline)
    }

    /// Whether every URC of the step has arrived live (by name).
    func urcsArrived(for step: RecordedStep) -> Bool {
        var live = urcsSinceUnit
        for urc in step.urcs {
            guard let found = live.firstIndex(of: urc.name) else { return false }
            live.remove(at: found)
        }
        return true
    }

    private func transactionOf(_ step: RecordedStep) -> Int {
        switch step.unit {
        case .command(let command): command.transaction
        case .payload(let payload): payload.transaction
        case .escape, .frames: -1
        }
    }

    /// Frames of step `index` were sent: the module's recorded answer is awaited by its
    /// byte count (the replay does not interpret frames), as long as a recorded URC is: up
    /// to the last recorded byte's delay plus the URC grace. Frames the module did not
    /// answer in the recording are followed by the recorded pause at once.
    mutating func awaitFrameAnswer(ofStep index: Int, at now: Timestamp) {
        let step = recording.steps[index]
        let expected = step.outputBytes.count
        guard expected > 0 else {
            base.frameMatches += 1
            advance(afterStep: index, at: now)
            return
        }
        let last = step.output.map(\.offset).max() ?? .zero
        phase = .frames(FramesWait(expected: expected, deadline: now.adding(timing.delay(last) + unsolicitedGrace)))
    }

    /// A URC arrived: the wait for URCs may be over.
    mutating func checkURCs(at time: Timestamp) {
        guard case .urcs = phase, cursor > 0 else { return }
        let step = recording.steps[cursor - 1]
        if urcsArrived(for: step) {
            phase = .idle(readyAt: time.adding(timing.delay(step.pauseAfter)))
        }
    }

    /// Step `index` is over (prompt seen, escape answered, data mode left): the next unit
    /// goes after the recorded pause.
    mutating func advance(afterStep index: Int, at time: Timestamp) {
        let pause = index >= 0 ? recording.steps[index].pauseAfter : .zero
        phase = .idle(readyAt: time.adding(timing.delay(pause)))
    }

    /// The live module answered `CONNECT` and entered data mode: play the host data the
    /// recording has after its `CONNECT`.
    mutating func startDataSession(at time: Timestamp) {
        guard cursor > 0 else { return }
        let step = recording.steps[cursor - 1]
        let connect = step.output.first(where: { $0.modeAfter == .data })?.offset ?? .zero
        let items = step.hostData.map { item in
            (due: time.adding(timing.delay(Duration(nanoseconds: item.offset.nanoseconds - connect.nanoseconds))),
             bytes: item.bytes)
        }
        var leave: Timestamp?
        if let left = step.output.last(where: { $0.modeAfter == .command })?.offset {
            let recorded = Duration(nanoseconds: left.nanoseconds - connect.nanoseconds)
            leave = time.adding(timing.delay(recorded) + unsolicitedGrace)
        }
        phase = .data(DataSession(items: items, leaveDeadline: leave))
    }
}
