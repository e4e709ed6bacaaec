import ATTraceCore

/// The serial link under ``SessionSimulator``: how bytes become timed records (product.md
/// §1: one record per `read()`), with the echo, split-read and split-write habits of real
/// hosts and modules (reference/formats.md §7.1).
///
/// A record's time is when its read returned: the moment its first byte started plus the
/// wire time of its bytes. The clock `now` always holds the end of the latest record.
extension SessionSimulator {
    // MARK: - Templates (V.250 framing, quectel-ssl.md §4)

    static let okResult: [UInt8] = Array("\r\nOK\r\n".utf8)
    static let errorResult: [UInt8] = Array("\r\nERROR\r\n".utf8)
    static let prompt: [UInt8] = Array("\r\n> ".utf8)
    static let sendOKResult: [UInt8] = Array("\r\nSEND OK\r\n".utf8)
    static let sendFailResult: [UInt8] = Array("\r\nSEND FAIL\r\n".utf8)
    static let connectResult: [UInt8] = Array("\r\nCONNECT\r\n".utf8)
    static let noCarrierResult: [UInt8] = Array("\r\nNO CARRIER\r\n".utf8)
    static let escapeSequence: [UInt8] = Array("+++".utf8)
    static let lineEnd: [UInt8] = [0x0D, 0x0A]
    /// Data block trailer: the data's own `<CR><LF>`, then the final result (§3.2).
    static let blockTrailer: [UInt8] = Array("\r\n\r\nOK\r\n".utf8)

    // MARK: - Clock

    @inline(__always)
    func wireTime(_ count: Int) -> Int64 {
        Int64(count) &* nanosecondsPerByte
    }

    /// Random microseconds in `range`, as nanoseconds.
    @inline(__always)
    mutating func microseconds(_ range: ClosedRange<Int>) -> Int64 {
        Int64(generator.inRange(range)) &* 1000
    }

    /// The host thinks, or the line is quiet, for `range` microseconds.
    mutating func pause(_ range: ClosedRange<Int>) {
        now &+= microseconds(range)
    }

    // MARK: - Records

    mutating func emit(_ direction: Direction, _ bytes: [UInt8], at time: Int64) {
        queue.append(.chunk(TraceChunk(time: Timestamp(nanoseconds: time), frame: nextFrame,
                                       direction: direction, bytes: bytes)))
        nextFrame += 1
        if time > now { now = time }
    }

    /// Module bytes whose first byte leaves at `start`: one read, or two when the reader
    /// happens to wake up in the middle (the session's split share).
    mutating func emitModem(_ bytes: [UInt8], startingAt start: Int64) {
        let start = Swift.max(start, now)
        if bytes.count >= 2, generator.chance(perMille: splitResponsePerMille) {
            let cut = 1 + generator.below(bytes.count - 1)
            emit(.modem, Array(bytes[..<cut]), at: start &+ wireTime(cut))
            emit(.modem, Array(bytes[cut...]), at: start &+ wireTime(bytes.count) &+ microseconds(0...300))
            statistics.splitResponses += 1
        } else {
            emit(.modem, bytes, at: start &+ wireTime(bytes.count))
        }
    }

    /// Module output in reads of a few hundred bytes, as a tty delivers a long transfer.
    mutating func streamModem(_ bytes: [UInt8], startingAt start: Int64) {
        var offset = 0
        var time = Swift.max(start, now)
        while offset < bytes.count {
            let length = Swift.min(bytes.count - offset, 64 + generator.below(960))
            time &+= wireTime(length)
            emit(.modem, Array(bytes[offset..<(offset + length)]), at: time)
            offset += length
        }
    }

    // MARK: - Host

    /// A command line (with its terminator). With echo on, the module will repeat it.
    mutating func send(command line: [UInt8]) {
        now &+= wireTime(line.count)
        emit(.host, line, at: now)
        statistics.commands += 1
        if isEchoOn { pendingEcho = line }
    }

    /// Payload bytes after a prompt or `CONNECT`, or transparent data: one write, or two
    /// with a short gap (the share ``SimulatorConfiguration/splitPayloadPerMille``).
    mutating func write(payload bytes: [UInt8]) {
        if bytes.count >= 2, generator.chance(perMille: configuration.splitPayloadPerMille) {
            let cut = 1 + generator.below(bytes.count - 1)
            now &+= wireTime(cut)
            emit(.host, Array(bytes[..<cut]), at: now)
            now &+= microseconds(1_000...20_000) &+ wireTime(bytes.count - cut)
            emit(.host, Array(bytes[cut...]), at: now)
            statistics.splitPayloads += 1
        } else {
            now &+= wireTime(bytes.count)
            emit(.host, bytes, at: now)
        }
    }

    // MARK: - Module

    /// The module's answer to the last command, `latency` (µs) after the host's last byte.
    /// A pending echo is glued in front when the answer is quick (the usual case), and
    /// otherwise arrives in its own read at once.
    mutating func answer(_ bytes: [UInt8], latency range: ClosedRange<Int>) {
        let start = now &+ microseconds(range)
        if pendingEcho == nil, generator.chance(perMille: 5) {
            // Now and then a URC arrives while the command is pending (catalog.md §1.1).
            let rssi = 8 + generator.below(24)
            statistics.unsolicitedResults += 1
            emitModem(Self.framedLine {
                $0.append(ascii: "+QIND: \"csq\",")
                $0.append(decimal: rssi)
                $0.append(ascii: ",99")
            }, startingAt: now &+ (start &- now) / 2)
        }
        if let echo = pendingEcho {
            pendingEcho = nil
            if start &- now < 40_000_000, generator.chance(perMille: 800) {
                // The echo left while the host was still typing; the read returns with the answer.
                emitModem(echo + bytes, startingAt: start &- wireTime(echo.count))
                return
            }
            emit(.modem, echo, at: now &+ microseconds(200...2_000) &+ wireTime(echo.count))
        }
        emitModem(bytes, startingAt: start)
    }

    /// An unsolicited result code, starting `range` microseconds from now.
    mutating func unsolicited(_ bytes: [UInt8], after range: ClosedRange<Int>) {
        statistics.unsolicitedResults += 1
        emitModem(bytes, startingAt: now &+ microseconds(range))
    }

    /// `<CR><LF>text<CR><LF>` around a line built by `body`.
    @inline(__always)
    static func framedLine(capacity: Int = 48, _ body: (inout [UInt8]) -> Void) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(capacity)
        line.append(0x0D)
        line.append(0x0A)
        body(&line)
        line.append(0x0D)
        line.append(0x0A)
        return line
    }

    /// A command line built by `body`, with its `<CR>`.
    @inline(__always)
    static func commandLine(capacity: Int = 48, _ body: (inout [UInt8]) -> Void) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(capacity)
        body(&line)
        line.append(0x0D)
        return line
    }
}
