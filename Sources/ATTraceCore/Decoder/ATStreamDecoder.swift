/// The streaming AT decoder (product.md §3): timestamped byte chunks in, decoded records
/// out, one ``ChannelDecoder`` per logical channel.
///
/// Contract (Docs/DecoderContract.md): feed records in file order with ``feed(_:)``, take
/// the records that are complete with ``nextRecord()`` or ``drain(_:)``, call ``finish()``
/// at the end of the input. Output never depends on how a direction's bytes are split into
/// chunks; every input byte ends up in exactly one output record; bad input becomes a
/// `diagnostic`, never a crash.
public struct ATStreamDecoder: Sendable {
    public let catalog: CommandCatalog
    /// Channel decoders, in the order their channels first appeared; mutated in place
    /// through the array (a dictionary value would be copied on every record).
    var channels: [ChannelDecoder] = []
    var channelIndex: [UInt32: Int] = [:]
    var nextTransactionID = 1
    var output: [DecodedRecord] = []
    private var outputHead = 0
    /// Scratch for ``drainWithWatermarks(_:)``.
    private var laterTimes: [Timestamp?] = []
    var lastChannel: UInt32?
    var lastChannelSlot: Int?
    /// The CMUX layers of channels that switched to it (+Multiplexing).
    var multiplexers: [ChannelMultiplexer] = []
    public private(set) var isFinished = false

    public init(catalog: CommandCatalog = .standard) {
        self.catalog = catalog
    }

    // MARK: - Input

    public mutating func feed(_ record: CaptureRecord) {
        switch record {
        case .chunk(let chunk):
            feed(chunk)
        case .event(let event):
            withChannel(event.channel) { decoder, nextID in decoder.feed(event: event, nextID: &nextID) }
        case .diagnostic(let diagnostic):
            withChannel(diagnostic.channel) { decoder, _ in decoder.feed(diagnostic: diagnostic) }
        }
    }

    public mutating func feed(_ chunk: TraceChunk) {
        chunk.bytes.withUnsafeBytes { buffer in
            feed(buffer, direction: chunk.direction, channel: chunk.channel, time: chunk.time, frame: chunk.frame)
        }
    }

    /// Feeds the bytes of one record without copying them first.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, direction: Direction, channel: UInt32 = 0,
                              time: Timestamp, frame: Int) {
        precondition(!isFinished, "feed after finish")
        if !multiplexers.isEmpty, let slot = multiplexers.firstIndex(where: { $0.channel == channel }) {
            feedMultiplexer(at: slot, bytes, direction: direction, time: time, frame: frame)
            return
        }
        feedChannel(bytes, direction: direction, channel: channel, time: time, frame: frame)
    }

    /// Feeds consecutive records of one direction and channel at once: `marks` says where the
    /// bytes of each record begin (the first at offset 0, in increasing order). The output is
    /// the same as feeding the records one by one (the decoder contract: a direction's bytes
    /// may be split anywhere), for the cost of one step of the decoder instead of one per
    /// record. Records without a direction, and records of a channel under CMUX, are still
    /// fed one by one.
    public mutating func feed(run bytes: UnsafeRawBufferPointer, direction: Direction, channel: UInt32 = 0,
                              marks: UnsafeBufferPointer<ByteMark>) {
        precondition(!isFinished, "feed after finish")
        var taken = 0
        if marks.count > 1, direction != .unknown, multiplexers.isEmpty {
            if let previous = lastChannel, previous != channel, channelIndex[previous] != nil {
                withChannel(previous) { decoder, nextID in decoder.endSegments(nextID: &nextID) }
            }
            lastChannel = channel
            withChannel(channel) { decoder, nextID in
                taken = decoder.feed(run: bytes, direction: direction, marks: marks, nextID: &nextID)
            }
            if let slot = lastChannelSlot, let transaction = channels[slot].multiplexedBy {
                // The record that holds `AT+CMUX`'s `OK` was the last taken.
                startMultiplexer(on: slot, transaction: transaction, time: marks[taken - 1].time,
                                 frame: marks[taken - 1].frame)
            }
        }
        for index in taken..<marks.count {
            let end = index + 1 < marks.count ? marks[index + 1].offset : bytes.count
            feed(UnsafeRawBufferPointer(rebasing: bytes[marks[index].offset..<end]), direction: direction,
                 channel: channel, time: marks[index].time, frame: marks[index].frame)
        }
    }

    /// Feeds bytes to the AT decoder of `channel` (a physical channel, or a DLCI's).
    mutating func feedChannel(_ bytes: UnsafeRawBufferPointer, direction: Direction, channel: UInt32,
                              time: Timestamp, frame: Int) {
        // A record of another channel ends the current segments of the previous channel, so
        // transaction ids follow the order command lines were sent across channels.
        if let previous = lastChannel, previous != channel, channelIndex[previous] != nil {
            withChannel(previous) { decoder, nextID in decoder.endSegments(nextID: &nextID) }
        }
        lastChannel = channel
        withChannel(channel) { decoder, nextID in
            decoder.feed(bytes, direction: direction, time: time, frame: frame, nextID: &nextID)
        }
        if let slot = lastChannelSlot, let transaction = channels[slot].multiplexedBy {
            startMultiplexer(on: slot, transaction: transaction, time: time, frame: frame)
        }
    }

    /// Ends the input: partial lines become diagnostics, pending commands are unanswered.
    public mutating func finish() {
        guard !isFinished else { return }
        isFinished = true
        finishMultiplexers()
        for key in channelIndex.keys.sorted() {
            withChannel(key) { decoder, nextID in decoder.finish(nextID: &nextID) }
        }
    }

    mutating func withChannel(_ channel: UInt32, _ body: (inout ChannelDecoder, inout Int) -> Void) {
        let index: Int
        if let last = lastChannelSlot, channels[last].channel == channel {
            index = last
        } else if let known = channelIndex[channel] {
            index = known
        } else {
            index = channels.count
            channels.append(ChannelDecoder(channel: channel, catalog: catalog))
            channelIndex[channel] = index
        }
        lastChannelSlot = index
        body(&channels[index], &nextTransactionID)
        guard !channels[index].output.isEmpty else { return }
        if outputHead == output.count {
            // The usual case: everything was taken already, so hand over the buffer.
            output.removeAll(keepingCapacity: true)
            outputHead = 0
            swap(&output, &channels[index].output)
        } else {
            output.append(contentsOf: channels[index].output)
            channels[index].output.removeAll(keepingCapacity: true)
        }
    }

    // MARK: - Output

    /// The next complete record, or `nil` until more input (or ``finish()``) completes one.
    public mutating func nextRecord() -> DecodedRecord? {
        guard outputHead < output.count else {
            if !output.isEmpty {
                output.removeAll(keepingCapacity: true)
                outputHead = 0
            }
            return nil
        }
        let record = output[outputHead]
        outputHead += 1
        return record
    }

    /// Hands every complete record to `body`, in order.
    public mutating func drain(_ body: (DecodedRecord) throws -> Void) rethrows {
        while outputHead < output.count {
            let record = output[outputHead]
            outputHead += 1
            try body(record)
        }
        output.removeAll(keepingCapacity: true)
        outputHead = 0
    }


    /// Decodes a whole sequence of records at once.
    public static func decode<S: Sequence>(_ records: S, catalog: CommandCatalog = .standard) -> [DecodedRecord]
        where S.Element == CaptureRecord {
        var decoder = ATStreamDecoder(catalog: catalog)
        var result: [DecodedRecord] = []
        for record in records {
            decoder.feed(record)
            decoder.drain { result.append($0) }
        }
        decoder.finish()
        decoder.drain { result.append($0) }
        return result
    }
}

extension ATStreamDecoder {
    /// The earliest time a record still to be produced could carry: the start of a pending
    /// transaction or the first byte not yet decoded, on any channel. `nil` when nothing is
    /// in progress.
    public var watermark: Timestamp? {
        // `mutating get`: reading each channel in place instead of copying it out of the array.
        mutating get {
            var earliest: Timestamp?
            for index in channels.indices {
                if let time = channels[index].watermark, earliest.map({ time < $0 }) ?? true { earliest = time }
            }
            for index in multiplexers.indices {
                if let time = multiplexers[index].watermark, earliest.map({ time < $0 }) ?? true { earliest = time }
            }
            return earliest
        }
    }

    /// Hands every complete record to `body`, in order, each with the earliest time a record
    /// after it could carry: the ``watermark``, or an earlier record still waiting behind it.
    /// Records come out in completion order, so one can complete before another that sorts
    /// earlier (a URC, then the final result of a command sent before it); a consumer that
    /// reorders by time releases a record only below the time handed with it.
    public mutating func drainWithWatermarks(_ body: (DecodedRecord, Timestamp?) throws -> Void) rethrows {
        guard outputHead < output.count else { return }
        // The earliest time of the records after each one, from the back.
        var later = watermark
        laterTimes.removeAll(keepingCapacity: true)
        for index in (outputHead..<output.count).reversed() {
            laterTimes.append(later)
            if let time = output[index].time, later.map({ time < $0 }) ?? true { later = time }
        }
        var position = laterTimes.count
        while outputHead < output.count {
            let record = output[outputHead]
            outputHead += 1
            position -= 1
            try body(record, laterTimes[position])
        }
        output.removeAll(keepingCapacity: true)
        outputHead = 0
    }

    /// `true` when complete records are waiting to be taken.
    public var hasRecords: Bool { outputHead < output.count }
}
