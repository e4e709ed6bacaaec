/// CMUX in any input (3GPP TS 27.010 basic option; formats.md §5): once `AT+CMUX=…` is
/// answered `OK`, a channel's bytes are frames. They are deframed per side; the data of
/// each DLCI is decoded as a channel of its own (``MultiplexerRecord/channel(dlci:on:)``),
/// control frames become `multiplexer` records, damage becomes `cmux-frame` diagnostics,
/// and when the multiplexer closes the channel is decoded as AT again.
extension ATStreamDecoder {
    /// The channel's decoder saw `AT+CMUX` answered: everything it still holds, and all
    /// that follows on the channel, goes to a new multiplexer.
    mutating func startMultiplexer(on slot: Int, transaction: Int, time: Timestamp, frame: Int) {
        let channel = channels[slot].channel
        guard !multiplexers.contains(where: { $0.channel == channel }) else { return }
        output.append(.multiplexer(MultiplexerRecord(channel: channel, kind: .started(transaction: transaction),
                                                     direction: nil, time: time, frame: frame)))
        multiplexers.append(ChannelMultiplexer(channel: channel, startedBy: transaction, time: time, frame: frame))
        // Bytes after the `OK` (and host bytes already sent) are the first frames, in the
        // order they were recorded.
        var runs: [(bytes: [UInt8], direction: Direction, mark: ByteQueue.Mark)] = []
        channels[slot].host.drain { runs.append((Array($0), .host, $1)) }
        channels[slot].modem.drain { runs.append((Array($0), .modem, $1)) }
        for run in runs.sorted(by: { ($0.mark.frame, $0.mark.position) < ($1.mark.frame, $1.mark.position) }) {
            guard let index = multiplexers.firstIndex(where: { $0.channel == channel }) else {
                // The multiplexer already ended: the rest is AT again.
                run.bytes.withUnsafeBytes {
                    feedChannel($0, direction: run.direction, channel: channel, time: run.mark.time, frame: run.mark.frame)
                }
                continue
            }
            run.bytes.withUnsafeBytes {
                feedMultiplexer(at: index, $0, direction: run.direction, time: run.mark.time, frame: run.mark.frame)
            }
        }
    }

    mutating func feedMultiplexer(at slot: Int, _ bytes: UnsafeRawBufferPointer, direction: Direction,
                                  time: Timestamp, frame: Int) {
        let outputs = multiplexers[slot].feed(bytes, direction: direction, time: time, frame: frame)
        handle(outputs, of: slot)
    }

    /// At the end of the input: frames still open are damage, and each open multiplexer
    /// gets its `ended` record.
    mutating func finishMultiplexers() {
        while let slot = multiplexers.indices.last {
            let outputs = multiplexers[slot].finish()
            let endsItself = outputs.contains { if case .ended = $0 { true } else { false } }
            handle(outputs, of: slot)
            if !endsItself, multiplexers.indices.contains(slot) {
                end(slot, reason: .endOfInput, time: multiplexers[slot].lastTime, frame: multiplexers[slot].lastFrame)
            }
        }
    }

    private mutating func handle(_ outputs: [ChannelMultiplexer.Output], of slot: Int) {
        let physical = multiplexers[slot].channel
        for item in outputs {
            switch item {
            case .data(let dlci, let direction, let bytes, let time, let frame):
                bytes.withUnsafeBytes {
                    feedChannel($0, direction: direction, channel: MultiplexerRecord.channel(dlci: dlci, on: physical),
                                time: time, frame: frame)
                }
            case .record(let record):
                output.append(record)
            case .ended(let reason, let time, let frame):
                end(slot, reason: reason, time: time, frame: frame)
                return
            }
        }
    }

    /// Closes the multiplexer at `slot`: its totals are recorded and the bytes it has not
    /// read go back to the channel's AT decoder.
    private mutating func end(_ slot: Int, reason: MultiplexerRecord.Ending.Reason, time: Timestamp, frame: Int) {
        var multiplexer = multiplexers.remove(at: slot)
        let channel = multiplexer.channel
        output.append(.multiplexer(multiplexer.endingRecord(reason, time: time, frame: frame)))
        if let index = channelIndex[channel] { channels[index].multiplexedBy = nil }
        var runs: [(bytes: [UInt8], direction: Direction, mark: ByteQueue.Mark)] = []
        multiplexer.takeRemainder(.host) { runs.append((Array($0), .host, $1)) }
        multiplexer.takeRemainder(.modem) { runs.append((Array($0), .modem, $1)) }
        for run in runs.sorted(by: { ($0.mark.frame, $0.mark.position) < ($1.mark.frame, $1.mark.position) }) {
            run.bytes.withUnsafeBytes {
                feedChannel($0, direction: run.direction, channel: channel, time: run.mark.time, frame: run.mark.frame)
            }
        }
    }
}
