import ATTraceCore
import ATTraceIO
import Testing

/// The fdatasync policy (product.md §1 crash safety), driven by a manual clock: no sleeping.
@Suite struct SyncPolicyTests {
    /// A clock the test moves by hand.
    final class ManualClock {
        var nanoseconds: Int64 = 0

        func advance(milliseconds: Int64) {
            nanoseconds += milliseconds * 1_000_000
        }
    }

    private func write(_ writer: CaptureWriter, _ text: String) throws {
        try writer.write(SampleTraffic.chunk(text, .host, at: 0, frame: 1))
    }

    @Test func intervalSyncsOnlyWhenTheClockHasAdvancedEnough() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let writer = try CaptureWriter(path: directory.file("interval.pcap"), syncPolicy: .interval(milliseconds: 100),
                                       clock: { clock.nanoseconds })
        let afterHeader = writer.syncsPerformed
        #expect(afterHeader == 1, "the new file's header is synced once")

        try write(writer, "AT\r")                    // t = 0: just synced
        #expect(writer.syncsPerformed == afterHeader)
        clock.advance(milliseconds: 99)
        try write(writer, "AT\r")                    // t = 99 ms: not yet
        #expect(writer.syncsPerformed == afterHeader)
        clock.advance(milliseconds: 1)
        try write(writer, "AT\r")                    // t = 100 ms: due
        #expect(writer.syncsPerformed == afterHeader + 1)
        clock.advance(milliseconds: 50)
        try write(writer, "AT\r")                    // t = 150 ms: 50 ms since the last sync
        #expect(writer.syncsPerformed == afterHeader + 1)
        clock.advance(milliseconds: 500)
        #expect(writer.syncsPerformed == afterHeader + 1, "no write, no sync: the writer has no timer")
        try write(writer, "AT\r")                    // t = 650 ms: due
        #expect(writer.syncsPerformed == afterHeader + 2)
        try writer.close()                           // nothing unsynced: no sync at close
        #expect(writer.syncsPerformed == afterHeader + 2)
    }

    @Test func intervalSyncsUnsyncedRecordsOnClose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let writer = try CaptureWriter(path: directory.file("close.pcap"), syncPolicy: .interval(milliseconds: 1000),
                                       clock: { clock.nanoseconds })
        try write(writer, "AT\r")
        #expect(writer.syncsPerformed == 1)
        try writer.close()
        #expect(writer.syncsPerformed == 2)
    }

    @Test func everyRecordSyncsEachWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try CaptureWriter(path: directory.file("every.pcap"), syncPolicy: .everyRecord)
        for _ in 0..<3 {
            try write(writer, "AT\r")
        }
        try writer.write(RecorderEvent(time: SampleTraffic.start, frame: 4, fields: [("event", .string("mark"))]))
        #expect(writer.syncsPerformed == 1 + 4)
        try writer.close()
        #expect(writer.syncsPerformed == 1 + 4)
    }

    @Test func neverSyncsUnlessAsked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try CaptureWriter(path: directory.file("never.pcap"), syncPolicy: .never)
        try write(writer, "AT\r")
        try write(writer, "AT\r")
        #expect(writer.syncsPerformed == 0)
        try writer.synchronize()
        #expect(writer.syncsPerformed == 1)
        try writer.close()
        #expect(writer.syncsPerformed == 1)
    }

    @Test func everyWriteIsFlushedWhateverThePolicy() throws {
        // Flushed records are readable by another process while the writer is open: what
        // a SIGKILL leaves behind.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("flushed.pcap")
        let writer = try CaptureWriter(path: path, syncPolicy: .never)
        for case .chunk(let chunk) in SampleTraffic.signalQuality {
            try writer.write(chunk)
        }
        #expect(try CaptureFiles.readAll(path) == SampleTraffic.signalQuality)
        try writer.close()
    }
}
