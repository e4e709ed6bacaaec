import ATTraceCore
import ATTraceReplay

/// A serial line on a virtual clock: both sides' bytes become capture records, so a
/// replayed session can be decoded and compared with the original. No real time passes.
struct VirtualLink {
    var now: Timestamp
    var records: [CaptureRecord] = []
    var channel: UInt32

    init(start: Timestamp = Timestamp(seconds: 1_800_000_000), channel: UInt32 = 0) {
        now = start
        self.channel = channel
    }

    mutating func record(_ bytes: [UInt8], from direction: Direction) {
        records.append(.chunk(TraceChunk(time: now, frame: records.count + 1, channel: channel, direction: direction,
                                         bytes: bytes)))
    }

    /// The bytes one side sent, in order.
    func bytes(from direction: Direction) -> [UInt8] {
        records.flatMap { record -> [UInt8] in
            guard case .chunk(let chunk) = record, chunk.direction == direction else { return [] }
            return chunk.bytes
        }
    }

    /// Plays the original capture's own host records against the replayed modem: each host
    /// record goes out once the module has sent as many bytes as it had before that record
    /// in the original, and no sooner after the previous host record than in the original.
    /// Returns `false` when the conversation stalled (the modem waited for bytes the host
    /// would only send after more module bytes).
    mutating func drive(_ modem: inout ModemImpersonator, withHostOf original: [CaptureRecord],
                        channel: UInt32 = 0) -> Bool {
        var hostChunks: [(bytes: [UInt8], moduleBefore: Int, gap: Duration)] = []
        var moduleCount = 0
        var previousHost: Timestamp?
        for case .chunk(let chunk) in original where chunk.channel == channel {
            if chunk.direction == .modem {
                moduleCount += chunk.bytes.count
            } else {
                hostChunks.append((chunk.bytes, moduleCount, previousHost.map { chunk.time.since($0) } ?? .zero))
                previousHost = chunk.time
            }
        }
        modem.start(at: now)
        var received = 0
        var next = 0
        var lastHostSend = now
        while true {
            while case .send(let bytes) = modem.nextAction(at: now) {
                record(bytes, from: .modem)
                received += bytes.count
            }
            var hostReadyAt: Timestamp?
            if next < hostChunks.count && received >= hostChunks[next].moduleBefore {
                let readyAt = lastHostSend.adding(hostChunks[next].gap)
                if readyAt <= now {
                    record(hostChunks[next].bytes, from: .host)
                    modem.receive(hostChunks[next].bytes, at: now)
                    lastHostSend = now
                    next += 1
                    continue
                }
                hostReadyAt = readyAt
            }
            switch modem.nextAction(at: now) {
            case .send:
                continue
            case .finished:
                return next == hostChunks.count
            case .wait(let until):
                guard let wake = [until, hostReadyAt].compactMap({ $0 }).min() else { return false }
                now = max(now, wake)
            }
        }
    }

    /// Runs the replayed host against the replayed modem until both are done.
    mutating func converse(host: inout HostDriver, modem: inout ModemImpersonator) -> Bool {
        modem.start(at: now)
        var hostDone = false
        var modemDone = false
        for _ in 0..<1_000_000 {
            var progressed = false
            switch modem.nextAction(at: now) {
            case .send(let bytes):
                record(bytes, from: .modem)
                host.receive(bytes, at: now)
                progressed = true
            case .finished:
                modemDone = true
            case .wait:
                break
            }
            switch host.nextAction(at: now) {
            case .send(let bytes):
                record(bytes, from: .host)
                modem.receive(bytes, at: now)
                progressed = true
            case .finished:
                hostDone = true
            case .wait:
                break
            }
            if hostDone { return true }
            if progressed { continue }
            var wakes: [Timestamp] = []
            if case .wait(let until?) = modem.nextAction(at: now) { wakes.append(until) }
            if case .wait(let until?) = host.nextAction(at: now) { wakes.append(until) }
            guard let wake = wakes.min() else { return modemDone && hostDone }
            now = max(now, wake)
        }
        return false
    }
}
