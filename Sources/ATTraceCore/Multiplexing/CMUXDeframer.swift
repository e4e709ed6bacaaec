/// Splits one direction of a 3GPP TS 27.010 basic-option byte stream into frames
/// (formats.md §5), streaming and independent of chunking like the decoder
/// (Docs/DecoderContract.md promise 1).
///
/// Feed the bytes of one direction in order, in any chunks; take ``CMUXEvent``s with
/// ``nextEvent()``; call ``finish()`` at the end of the input. A frame is reported when its
/// closing flag arrives and its FCS is right. A frame that fails (wrong FCS, no closing
/// flag, an address without EA) is not trusted at all: the deframer drops its opening flag
/// and hunts for the next `F9` from the byte after it, so a good frame hidden behind a
/// damaged length is still found. Bytes skipped on the way are reported as
/// ``CMUXDamage`` with the reason of the failure. Frames may share a flag
/// (`F9 frame F9 frame F9`) or be separated by several (`F9 F9`).
///
/// The maximum frame size N1 is negotiable (`AT+CMUX=0,0,5,127`), so any length the field
/// can express (32767) is accepted; a damaged length costs a re-scan of at most that many
/// bytes.
public struct CMUXDeframer: Sendable {
    private enum State: Sendable {
        case hunting
        case afterFlag
        case control
        case firstLength
        case secondLength
        case information
        case check
        case closingFlag
    }

    /// Damage reports are cut into pieces of this size while hunting through garbage.
    public static let maximumDamageSize = 64 * 1024

    private var state: State = .hunting
    /// Bytes waiting to be processed: new input, or the bytes of a failed frame being
    /// re-scanned. `pending[pendingHead]` is at stream offset `pendingOffset`.
    private var pending: [UInt8] = []
    private var pendingHead = 0
    private var pendingOffset = 0
    /// The bytes of the frame being read, from its opening flag.
    private var candidate: [UInt8] = []
    private var candidateStart = 0
    private var declaredLength = 0
    /// Bytes before this offset belong to an event already reported.
    private var ownedUntil = 0
    /// Bytes skipped while hunting, from `skippedStart`; flags between `ownedUntil` and
    /// `skippedStart` belong to the same report.
    private var skipped: [UInt8] = []
    private var skippedStart = 0
    private var skipReason: CMUXDamage.Reason = .unframed
    /// The last damage report, held until the next frame or report: flags that end the
    /// input right after it are added to it instead of making a report of their own.
    private var heldDamage: CMUXDamage?
    private var events: [CMUXEvent] = []
    private var eventHead = 0
    /// How many bytes were fed so far: the stream offset of the next byte.
    public private(set) var bytesFed = 0
    public private(set) var isFinished = false

    public init() {}

    // MARK: - Input

    public mutating func feed<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        precondition(!isFinished, "feed after finish")
        compactPending()
        pending.append(contentsOf: bytes)
        bytesFed += bytes.count
        process()
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        feed(bytes.bindMemory(to: UInt8.self))
    }

    /// Ends the input: a frame still open is damage, after its bytes were searched for
    /// frames like any other failure.
    public mutating func finish() {
        guard !isFinished else { return }
        isFinished = true
        while state != .hunting {
            if state == .afterFlag && candidate.count == 1 {
                // Only a flag is open: the closing flag of the last frame (owned), or
                // trailing flags that belong to no frame.
                if candidateStart >= ownedUntil {
                    let flags = [UInt8](repeating: CMUXFrame.flag, count: candidateStart + 1 - ownedUntil)
                    if var held = heldDamage, held.span.upperBound == ownedUntil {
                        held.span = held.span.lowerBound..<(candidateStart + 1)
                        held.bytes += flags
                        heldDamage = held
                        ownedUntil = candidateStart + 1
                    } else {
                        reportDamage(reason: .endOfInput, until: candidateStart + 1, bytes: flags)
                    }
                }
                state = .hunting
                candidate.removeAll()
                break
            }
            fail(.endOfInput)
            process()
        }
        flushSkipped()
        releaseHeldDamage()
    }

    // MARK: - Output

    public mutating func nextEvent() -> CMUXEvent? {
        guard eventHead < events.count else {
            events.removeAll(keepingCapacity: true)
            eventHead = 0
            return nil
        }
        defer { eventHead += 1 }
        return events[eventHead]
    }

    /// Hands every event reported so far to `body`, in stream order.
    public mutating func drain(_ body: (CMUXEvent) throws -> Void) rethrows {
        while let event = nextEvent() {
            try body(event)
        }
    }

    /// Deframes a whole stream at once.
    public static func events<C: Collection>(in bytes: C) -> [CMUXEvent] where C.Element == UInt8 {
        var deframer = CMUXDeframer()
        deframer.feed(bytes)
        deframer.finish()
        var result: [CMUXEvent] = []
        deframer.drain { result.append($0) }
        return result
    }

    // MARK: - The state machine

    private mutating func compactPending() {
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead > 4096 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    private mutating func process() {
        while pendingHead < pending.count {
            let byte = pending[pendingHead]
            let offset = pendingOffset
            pendingHead += 1
            pendingOffset += 1
            step(byte, at: offset)
        }
    }

    private mutating func step(_ byte: UInt8, at offset: Int) {
        switch state {
        case .hunting:
            if byte == CMUXFrame.flag {
                flushSkipped()
                openCandidate(at: offset)
            } else {
                if skipped.isEmpty { skippedStart = offset }
                skipped.append(byte)
                if skipped.count >= Self.maximumDamageSize { flushSkipped() }
            }
        case .afterFlag:
            if byte == CMUXFrame.flag {
                // Several flags between frames: the frame starts at the last one.
                openCandidate(at: offset)
            } else if byte & 0x01 == 0 {
                candidate.append(byte)
                fail(.invalidAddress(byte))
            } else {
                candidate.append(byte)
                state = .control
            }
        case .control:
            candidate.append(byte)
            state = .firstLength
        case .firstLength:
            candidate.append(byte)
            if byte & 0x01 == 1 {
                declaredLength = Int(byte >> 1)
                state = declaredLength == 0 ? .check : .information
            } else {
                declaredLength = Int(byte >> 1)
                state = .secondLength
            }
        case .secondLength:
            candidate.append(byte)
            declaredLength |= Int(byte) << 7
            state = declaredLength == 0 ? .check : .information
        case .information:
            candidate.append(byte)
            if candidate.count == headerEnd + declaredLength { state = .check }
        case .check:
            candidate.append(byte)
            state = .closingFlag
        case .closingFlag:
            candidate.append(byte)
            if byte != CMUXFrame.flag {
                fail(.missingClosingFlag(dlci: candidate[1] >> 2, declaredLength: declaredLength))
                return
            }
            closeCandidate(closingFlagAt: offset)
        }
    }

    /// Offset in `candidate` of the first information byte (flag, address, control, 1–2
    /// length octets).
    private var headerEnd: Int {
        candidate.count >= 4 && candidate[3] & 0x01 == 1 ? 4 : 5
    }

    private mutating func openCandidate(at offset: Int) {
        candidate.removeAll(keepingCapacity: true)
        candidate.append(CMUXFrame.flag)
        candidateStart = offset
        state = .afterFlag
    }

    private mutating func closeCandidate(closingFlagAt offset: Int) {
        let header = candidate[1..<headerEnd]
        let information = candidate[headerEnd..<(headerEnd + declaredLength)]
        let fcs = candidate[candidate.count - 2]
        let control = candidate[2]
        let type = CMUXFrameType(control: control)
        var covered = Array(header)
        if type.checkCoversInformation { covered += information }
        guard CMUXFrameCheck.isValid(fcs, over: covered) else {
            fail(.badCheck(dlci: candidate[1] >> 2, received: fcs, expected: CMUXFrameCheck.sequence(over: covered)))
            return
        }
        let frame = CMUXFrame(dlci: candidate[1] >> 2, commandResponse: candidate[1] & 0x02 != 0, type: type,
                              pollFinal: control & CMUXFrameType.pollFinalBit != 0,
                              information: Array(information), span: ownedUntil..<(offset + 1))
        releaseHeldDamage()
        events.append(.frame(frame))
        ownedUntil = offset + 1
        // The closing flag may open the next frame.
        openCandidate(at: offset)
    }

    /// Distrusts the frame being read: its opening flag is skipped and the bytes after it
    /// are scanned again for a flag.
    private mutating func fail(_ reason: CMUXDamage.Reason) {
        let flagOffset = candidateStart
        state = .hunting
        skipReason = reason
        if flagOffset >= ownedUntil {
            skipped = [CMUXFrame.flag]
            skippedStart = flagOffset
        }
        // The candidate holds the bytes from `candidateStart` up to `pendingOffset`. When
        // they all came in the current input they are still in `pending` just before the
        // read position, and stepping back is enough; copying the unread rest behind them
        // on every failure made a chunk full of damaged frames quadratic.
        let rescanCount = candidate.count - 1
        if pendingHead >= rescanCount {
            pendingHead -= rescanCount
        } else {
            var remaining = Array(candidate.dropFirst())
            remaining.append(contentsOf: pending[pendingHead...])
            pending = remaining
            pendingHead = 0
        }
        pendingOffset = flagOffset + 1
        candidate.removeAll(keepingCapacity: true)
    }

    private mutating func flushSkipped() {
        guard !skipped.isEmpty else {
            skipReason = .unframed
            return
        }
        let end = skippedStart + skipped.count
        // Extra flags between the last report and the skipped bytes belong to this report.
        let flags = [UInt8](repeating: CMUXFrame.flag, count: max(0, skippedStart - ownedUntil))
        reportDamage(reason: skipReason, until: end, bytes: flags + skipped)
        skipped.removeAll(keepingCapacity: true)
        // Garbage that continues after a cut-off piece is no longer the failed frame's.
        skipReason = .unframed
    }

    private mutating func reportDamage(reason: CMUXDamage.Reason, until end: Int, bytes: [UInt8]) {
        let start = min(ownedUntil, end - bytes.count)
        releaseHeldDamage()
        heldDamage = CMUXDamage(reason: reason, span: start..<end, bytes: bytes)
        ownedUntil = end
    }

    private mutating func releaseHeldDamage() {
        if let held = heldDamage {
            events.append(.damage(held))
            heldDamage = nil
        }
    }
}
