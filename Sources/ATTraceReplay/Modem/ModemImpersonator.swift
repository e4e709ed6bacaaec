import ATTraceCore

/// The modem side of `attrace replay --as modem` (issue 5 §1): host bytes in, the recorded
/// module bytes out, each at its recorded delay after the host unit that triggers it.
///
/// Pure (aesthetics.md §9 rule 1): time comes in with the bytes, so tests drive it with a
/// manual clock. The I/O layer calls ``receive(_:at:)`` with what the host wrote and
/// ``nextAction(at:)`` until it says `wait` or `finished`:
///
///     host  AT+QSSLSEND=4<CR>     → match step 7 (exact line) → schedule <CR><LF>><SP>
///           Hello<SUB>            → payload complete          → schedule <CR><LF>SEND OK…
///     clock passes a due time     → .send(bytes)
///
/// - Command lines are matched to the recording in order: the same line first, then the
///   same command name and form, within the next ``lookahead`` recorded commands. A line
///   that matches nothing follows the ``MismatchPolicy``.
/// - After a prompting command the host's payload (fixed length, or up to Ctrl+Z/ESC) is
///   consumed before the recorded answer is played; uploads after `CONNECT` likewise.
/// - In data mode the host's bytes are consumed and the recorded module data plays by time;
///   `+++` is an escape only with the guard times of quectel-ssl.md §3.4, then the
///   recorded `OK` follows.
/// - Output keeps the recording's byte order: when the host starts its next unit early,
///   what is still scheduled from earlier steps goes out first, at once.
public struct ModemImpersonator: ReplayParty {
    public let recording: Recording
    public let timing: ReplayTiming
    public let policy: MismatchPolicy
    /// How many recorded commands ahead a host line may match (skipping the ones between).
    public var lookahead = 16
    let catalog: CommandCatalog

    /// The next recorded step to play.
    var cursor = 0
    var queue = OutputQueue()
    var input = InputState.command(CommandLineState())
    var mode = ChannelMode.command
    var isStarted = false
    var isStopped = false
    var base: ReplayReport
    /// Output waiting for the host's data (``RecordedOutput/afterHostData``), and what
    /// follows it in the recording, in order.
    var held: [HeldOutput] = []
    /// Data-mode bytes the host sent since data mode began.
    var sessionDataBytes = 0

    struct HeldOutput: Hashable, Sendable {
        var output: RecordedOutput
        /// The end of the host unit the output's offset counts from.
        var stepTime: Timestamp
        /// When the step was played (nothing of it goes out earlier).
        var notBefore: Timestamp
    }

    public init(recording: Recording, timing: ReplayTiming = .recorded, policy: MismatchPolicy = .error,
                catalog: CommandCatalog = .standard) {
        self.recording = recording
        self.timing = timing
        self.policy = policy
        self.catalog = catalog
        self.base = ReplayReport(of: recording)
    }

    /// Starts the clock: the recording's opening bytes (those before the host's first
    /// command) are scheduled from `time`.
    public mutating func start(at time: Timestamp) {
        guard !isStarted else { return }
        isStarted = true
        for output in recording.opening {
            queue.schedule(output.bytes, at: time.adding(timing.delay(output.offset)), modeAfter: output.modeAfter)
        }
    }

    /// What the replay did so far; once it has ended, the recorded commands it never
    /// reached count as deviations.
    public var report: ReplayReport {
        var report = base
        if report.ending == nil && isFinished { report.ending = .completed }
        guard report.ending != nil else { return report }
        for step in recording.steps[cursor...] {
            guard let command = step.command else { continue }
            report.deviations.append(ReplayDeviation(kind: .notReached, expected: command.lineText, received: nil,
                                                     transaction: command.transaction, time: nil))
        }
        return report
    }

    /// Marks the replay as interrupted (the I/O layer was told to stop).
    public mutating func interrupt() {
        if base.ending == nil && !isFinished { base.ending = .interrupted }
        isStopped = true
    }

    // MARK: - Output

    /// What to do now: bytes that are due, the time to wake up, or the end.
    public mutating func nextAction(at now: Timestamp) -> ReplayAction {
        if !isStarted { start(at: now) }
        if !isStopped, case .data(let data) = input, let deadline = data.escapeDeadline, now >= deadline {
            recognizeEscape(data, at: deadline)
        }
        if isStopped { return .finished }
        var bytes: [UInt8] = []
        while let due = queue.firstDue, due <= now {
            let output = queue.removeFirst()
            bytes += output.bytes
            if let next = output.modeAfter { enter(next, at: now) }
        }
        if !bytes.isEmpty { return .send(bytes) }
        if isFinished { return .finished }
        var wake = queue.firstDue
        if case .data(let data) = input, let deadline = data.escapeDeadline {
            wake = min(wake ?? deadline, deadline)
        }
        return .wait(until: wake)
    }

    /// Every step was played and its bytes are out.
    var isFinished: Bool {
        guard isStarted, queue.isEmpty, held.isEmpty, cursor >= recording.steps.count else { return false }
        if case .payload = input { return false }
        return true
    }

    /// The channel changes mode when the bytes that change it are out.
    mutating func enter(_ next: ChannelMode, at time: Timestamp) {
        guard next != mode else { return }
        mode = next
        sessionDataBytes = 0
        switch next {
        case .data: input = .data(DataModeState(quietSince: time))
        case .command: input = .command(CommandLineState())
        }
    }

    /// Schedules a step's recorded bytes from `time` (the end of the host unit). Bytes that
    /// answer a payload in progress were released already (``releasedUpTo``); bytes that
    /// answer the host's data wait for it (``releaseHeld(at:all:)``).
    mutating func play(_ index: Int, at time: Timestamp, from reference: Timestamp? = nil, releasedUpTo: Int = 0) {
        let step = recording.steps[index]
        for (position, output) in step.output.enumerated() {
            if output.afterPayloadBytes != nil && position < releasedUpTo { continue }
            if output.afterHostData != nil || !held.isEmpty {
                held.append(HeldOutput(output: output, stepTime: reference ?? time, notBefore: time))
                continue
            }
            let due = (reference ?? time).adding(timing.delay(output.offset))
            queue.schedule(output.bytes, at: max(due, time), modeAfter: output.modeAfter)
        }
        base.stepsPlayed += 1
    }

    /// Schedules held output whose host data has arrived (all of it with `all`).
    mutating func releaseHeld(at time: Timestamp, all: Bool = false) {
        while let first = held.first {
            let output = first.output
            var due = max(first.stepTime.adding(timing.delay(output.offset)), first.notBefore)
            if let needed = output.afterHostData {
                guard all || sessionDataBytes >= needed else { return }
                due = time.adding(timing.delay(output.offset))
            }
            queue.schedule(output.bytes, at: due, modeAfter: output.modeAfter)
            held.removeFirst()
        }
    }

    /// The host began its next unit: everything earlier steps still have to send goes first,
    /// at once, so the recording's byte order is kept.
    mutating func hurry(at time: Timestamp) {
        releaseHeld(at: time, all: true)
        queue.hurry(to: time)
    }
}
