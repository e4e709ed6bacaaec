import ATTraceCore

/// What a conversation says, without when it said it (issue 5 "reproduces the original
/// conversation byte for byte, modulo timing"): each decoded record as one line of text
/// with its command line, echo, prompt, responses, final result, payload bytes, URC text,
/// data bytes and mode switches, CMUX control frames, and no times, latencies or record
/// numbers. A multiplexed line's DLCIs (formats.md §5) are part of its conversation.
public enum ConversationEssence {
    /// The record's content, or `nil` for records that are not part of the conversation
    /// (recorder events, problems of the capture file).
    public static func of(_ record: DecodedRecord) -> String? {
        if case .transaction(let t) = record {
            let responses = t.responses.map { ByteText.string($0.text) }.joined(separator: "|")
            return "transaction \(t.commandText) echo=\(t.hasEcho) prompt=\(t.hasPrompt) [\(responses)] "
                + "final=\(t.final.map { ByteText.string($0.line) } ?? "-") status=\(t.status.rawValue) "
                + "tx=\(t.tx.map { "\($0.end.rawValue):\(ByteText.string($0.bytes))" } ?? "-") "
                + "rx=\(t.rx.map { ByteText.string($0.bytes) } ?? "-")"
        }
        if case .urc(let u) = record {
            return "urc \(ByteText.string(u.text)) payload=\(u.payload.map { ByteText.string($0.bytes) } ?? "-")"
        }
        if case .data(let d) = record {
            return "data \(d.direction.name) \(ByteText.string(d.payload.bytes))"
        }
        if case .mode(let m) = record {
            return "mode \(m.mode.rawValue) \(m.reason.rawValue) final=\(m.final.map { ByteText.string($0) } ?? "-")"
        }
        if case .multiplexer(let m) = record {
            switch m.kind {
            case .started:
                return "multiplexer started"
            case .frame(let frame):
                return "multiplexer \(m.direction?.name ?? "-") \(frame.summary)"
            case .ended(let ending):
                return "multiplexer ended \(ending.reason.rawValue) host=\(ending.hostDataFrames) "
                    + "modem=\(ending.modemDataFrames) dlci=\(ending.dataChannels)"
            }
        }
        if case .diagnostic(let d) = record, d.direction != nil {
            // Diagnostics without a side are about the file (a damaged tail), not the line.
            return "diagnostic \(d.code.rawValue) \(d.direction?.name ?? "-") \(ByteText.string(d.bytes))"
        }
        return nil
    }

    /// The content of every record of `channel`, in the decoder's order, then that of each
    /// DLCI the channel carried under CMUX, by DLCI (the decoder interleaves channels by
    /// when their records completed, which timing decides).
    public static func of(_ records: [DecodedRecord], channel: UInt32 = 0) -> [String] {
        self.records(records, carriedBy: channel).compactMap { record in
            guard let text = of(record) else { return nil }
            return record.channel == channel ? text : "[\(record.channel)] \(text)"
        }
    }

    /// The records of `channel` and, when it ran the CMUX multiplexer, of its DLCIs'
    /// channels (``MultiplexerRecord/channel(dlci:on:)``), grouped by channel.
    public static func records(_ records: [DecodedRecord], carriedBy channel: UInt32) -> [DecodedRecord] {
        let isMultiplexed = records.contains { record in
            if case .multiplexer(let m) = record { return m.channel == channel }
            return false
        }
        var dlcis: [UInt32: Int] = [:]
        if isMultiplexed {
            for dlci in UInt8(1)...63 { dlcis[MultiplexerRecord.channel(dlci: dlci, on: channel)] = Int(dlci) }
        }
        let rank = { (record: DecodedRecord) -> Int? in record.channel == channel ? 0 : dlcis[record.channel] }
        return records.enumerated().compactMap { item in rank(item.element).map { ($0, item.offset, item.element) } }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map(\.2)
    }

    /// The first place where a replayed conversation says something else than the
    /// original, or `nil` when it says the same.
    public static func firstDifference(replayed: [DecodedRecord], original: [DecodedRecord],
                                       channel: UInt32 = 0) -> String? {
        let expected = of(original, channel: channel)
        let actual = of(replayed, channel: channel)
        for (index, pair) in zip(actual, expected).enumerated() where pair.0 != pair.1 {
            return "record \(index + 1):\n  replayed: \(pair.0)\n  original: \(pair.1)"
        }
        if actual.count != expected.count {
            let extra = actual.count > expected.count ? actual[expected.count] : expected[actual.count]
            return "\(actual.count) records, the original has \(expected.count); first unmatched: \(extra)"
        }
        return nil
    }
}
