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

    /// The transactions only (what the host side can reproduce: it sends no stray bytes).
    static func transactions(_ records: [DecodedRecord], channel: UInt32 = 0) -> [String] {
        records.filter { record in
            if case .transaction = record { return record.channel == channel }
            return false
        }.compactMap { ConversationEssence.of($0) }
    }
}
