import ATTraceCore
import ATTraceReplay
import Testing

/// Expectations on a replayed conversation, modulo timing (``ConversationEssence``).
enum ConversationCheck {
    /// Expects the same transactions, URCs, data runs and mode switches as the original.
    static func expectSame(_ replayed: [DecodedRecord], as original: [DecodedRecord], channel: UInt32 = 0,
                           _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if let difference = ConversationEssence.firstDifference(replayed: replayed, original: original, channel: channel) {
            Issue.record("\(context): \(difference)", sourceLocation: sourceLocation)
        }
    }

    /// The transactions only (what the host side can reproduce: it sends no stray bytes),
    /// those of the DLCIs of a multiplexed channel included.
    static func transactions(_ records: [DecodedRecord], channel: UInt32 = 0) -> [String] {
        ConversationEssence.records(records, carriedBy: channel).compactMap { record in
            guard case .transaction = record, let text = ConversationEssence.of(record) else { return nil }
            return "[\(record.channel)] \(text)"
        }
    }
}
