import ATTraceCore
import ATTraceReplay
import Foundation

/// The host side of a sample capture, played on a real pty against a replayed modem
/// (issue 5 §4): each host record of the original is written once the module has sent as
/// many bytes as it had before that record in the original, and a `+++` only after the
/// escape guard time of silence. What both sides sent is kept for the comparison.
struct SampleHostSide {
    /// The original's host records with the module byte count before each.
    let hostRecords: [(chunk: TraceChunk, moduleBefore: Int)]
    /// The original's module records, for the times of the module's bytes.
    let moduleRecords: [TraceChunk]
    let escapeGuard: TimeInterval

    init(original: [CaptureRecord], channel: UInt32, escapeGuard: TimeInterval) {
        var hostRecords: [(TraceChunk, Int)] = []
        var moduleRecords: [TraceChunk] = []
        var count = 0
        for case .chunk(let chunk) in original where chunk.channel == channel {
            if chunk.direction == .modem {
                moduleRecords.append(chunk)
                count += chunk.bytes.count
            } else {
                hostRecords.append((chunk, count))
            }
        }
        self.hostRecords = hostRecords
        self.moduleRecords = moduleRecords
        self.escapeGuard = escapeGuard
    }

    var moduleByteCount: Int { moduleRecords.reduce(0) { $0 + $1.bytes.count } }

    /// What happened on the line.
    struct Conversation {
        /// In the order seen by the host; `bytes` of module records as read.
        var records: [(direction: Direction, bytes: [UInt8])] = []
        var moduleBytes: [UInt8] = []
        /// Host records before which the module had sent more than in the original.
        var earlyBytes: [String] = []
    }

    func play(on port: ApplicationPort) -> Conversation {
        var conversation = Conversation()
        func take(_ bytes: [UInt8]) {
            guard !bytes.isEmpty else { return }
            conversation.records.append((.modem, bytes))
            conversation.moduleBytes += bytes
        }
        var lastWrite = Date()
        for (index, host) in hostRecords.enumerated() {
            let needed = host.moduleBefore - conversation.moduleBytes.count
            if needed > 0 { take(port.read(seconds: 20) { $0.count >= needed }) }
            if host.chunk.bytes.allSatisfy({ $0 == UInt8(ascii: "+") }) {
                // Guard rule 1 (quectel-ssl.md §3.4): silence before the escape.
                let wait = lastWrite.addingTimeInterval(escapeGuard * 1.5).timeIntervalSinceNow
                if wait > 0 { take(port.read(seconds: wait) { _ in false }) }
            }
            if conversation.moduleBytes.count != host.moduleBefore {
                conversation.earlyBytes.append("host record \(index + 1): \(conversation.moduleBytes.count) module bytes before it, "
                                               + "the original had \(host.moduleBefore)")
            }
            port.write(host.chunk.bytes)
            conversation.records.append((.host, host.chunk.bytes))
            lastWrite = Date()
        }
        let rest = moduleByteCount - conversation.moduleBytes.count
        if rest > 0 { take(port.read(seconds: 20) { $0.count >= rest }) }
        return conversation
    }

    /// The conversation as capture records carrying the original's times: host record k
    /// takes the time of the original's host record k, module bytes the time of the same
    /// byte in the original. With the same bytes in the same order, the decoder's
    /// time-dependent decisions (abandoned or pipelined, §7.7) are then the original's, so
    /// what the decoded conversations still differ in is what was sent.
    func retimed(_ conversation: Conversation, channel: UInt32) -> [CaptureRecord] {
        var moduleTimes: [Timestamp] = []
        for chunk in moduleRecords { moduleTimes += Array(repeating: chunk.time, count: chunk.bytes.count) }
        var records: [CaptureRecord] = []
        var hostIndex = 0
        var moduleOffset = 0
        for (direction, bytes) in conversation.records {
            let time: Timestamp
            if direction == .host {
                time = hostRecords[hostIndex].chunk.time
                hostIndex += 1
            } else {
                time = moduleOffset < moduleTimes.count ? moduleTimes[moduleOffset] : moduleTimes.last ?? Timestamp(nanoseconds: 0)
                moduleOffset += bytes.count
            }
            records.append(.chunk(TraceChunk(time: time, frame: records.count + 1, channel: channel, direction: direction,
                                             bytes: bytes)))
        }
        return records
    }
}
