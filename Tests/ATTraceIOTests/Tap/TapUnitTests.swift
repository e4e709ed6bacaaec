import ATTraceCore
@testable import ATTraceIO
import Foundation
import Testing

/// The tap's pure pieces: PARMRK decoding, the clock that never goes back, the bounded
/// queue, and rotation names.
@Suite struct TapUnitTests {
    @Test func lineErrorMarksAreDecodedAcrossChunks() {
        var decoder = LineErrorDecoder()
        let first = decoder.decode([0x41, 0xFF][...])
        let second = decoder.decode([0xFF, 0x42, 0xFF, 0x00][...])
        let third = decoder.decode([0x55, 0x43, 0xFF, 0x00, 0x00, 0x44][...])
        #expect(first.bytes == [0x41])
        #expect(second.bytes == [0xFF, 0x42])
        #expect(third.bytes == [0x43, 0x44])
        #expect(third.marks == [.error(byte: 0x55, offset: 0), .lineBreak(offset: 1)])
    }

    /// Regression: the sniffer stamped each mark event after the read it came from, then
    /// wrote it in front of that read's chunk, so the chunk went back in time and appending
    /// cut the file there.
    @Test func lineErrorEventsCarryTheTimeOfTheirRead() {
        var decoder = LineErrorDecoder()
        let (bytes, marks) = decoder.decode([0x41, 0xFF, 0x00, 0x55, 0xFF, 0x00, 0x00, 0x42][...])
        let readTime = Timestamp(nanoseconds: 1_700_000_000_123_456_789)
        let events = SniffTap.events(for: marks, input: "modem", at: readTime)
        #expect(bytes == [0x41, 0x42])
        #expect(events.map(\.name) == ["line_error", "break"])
        #expect(events.allSatisfy { $0.time == readTime })
        #expect(events.first?["byte"]?.intValue == 0x55)
        #expect(events.last?["offset"]?.intValue == 1)
    }

    @Test func clockNeverGoesBackAndReportsTheStep() {
        final class Clocks: @unchecked Sendable {
            var realtime: Int64 = 1_700_000_000_000_000_000
            var monotonic: Int64 = 5_000_000_000
        }
        let clocks = Clocks()
        var clock = TapClock(realtime: { clocks.realtime }, monotonic: { clocks.monotonic })
        let first = clock.now()
        #expect(first.step == nil)
        clocks.realtime += 1_000_000
        clocks.monotonic += 1_000_000
        let second = clock.now()
        #expect(second.time.nanoseconds == first.time.nanoseconds + 1_000_000)
        // NTP steps the wall clock back one hour.
        clocks.realtime -= 3_600_000_000_000
        clocks.monotonic += 2_000_000
        let third = clock.now()
        #expect(third.step != nil)
        #expect(third.time.nanoseconds == second.time.nanoseconds + 2_000_000)
        clocks.realtime += 1_000_000
        clocks.monotonic += 1_000_000
        let fourth = clock.now()
        #expect(fourth.step == nil, "the step is reported once")
        #expect(fourth.time.nanoseconds == third.time.nanoseconds + 1_000_000)
    }

    @Test func clockStartsAfterTheLastRecordOfAnAppendedFile() {
        let later = Timestamp(nanoseconds: 1_800_000_000_000_000_000)
        var clock = TapClock(notBefore: later, realtime: { 1_700_000_000_000_000_000 }, monotonic: { 1 })
        #expect(clock.now().time >= later)
    }

    @Test func boundedQueueRefusesBeyondItsLimitAndDrainsAfterClose() {
        let queue = BoundedQueue<Int>(costLimit: 10)
        #expect(queue.offer(1, cost: 6))
        #expect(!queue.offer(2, cost: 6))
        #expect(queue.offer(3, cost: 4))
        queue.close()
        guard case .element(1) = queue.next(timeoutNanoseconds: 0) else { Issue.record("expected 1"); return }
        guard case .element(3) = queue.next(timeoutNanoseconds: 0) else { Issue.record("expected 3"); return }
        guard case .finished = queue.next(timeoutNanoseconds: 0) else { Issue.record("expected the end"); return }
    }

    @Test func rotationPartNames() {
        #expect(CaptureOutput(path: "/var/log/cap.pcap").partPath(3) == "/var/log/cap-000003.pcap")
        #expect(CaptureOutput(path: "capture").partPath(12) == "capture-000012")
        #expect(CaptureOutput(path: "./a.b/cap").partPath(1) == "./a.b/cap-000001")
    }
}
