import ATTraceCore
import ATTraceIO
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing captures through pipes: `-` (standard input and output) and the
/// file-descriptor and `FILE*` initializers (product.md §2: every subcommand reads `-`).
@Suite struct PipeReadingTests {
    /// A pipe that delivers `bytes` and then ends; returns the read end.
    ///
    /// Inputs that fit the pipe buffer are written before returning. Larger ones are fed
    /// from another thread, and the test must then read to the end: closing the read end
    /// early would kill the test process with SIGPIPE.
    private func pipeFeeding(_ bytes: [UInt8]) throws -> Int32 {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let writeEnd = descriptors[1]
        let data = bytes
        let feed: @Sendable () -> Void = {
            var offset = 0
            while offset < data.count {
                let written = data[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
            close(writeEnd)
        }
        if data.count <= 4096 {
            feed()
        } else {
            Thread(block: feed).start()
        }
        return descriptors[0]
    }

    /// A small capture (the `AT+CSQ` exchange) as bytes.
    private func smallCapture() throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("small.pcap")
        try CaptureFiles.write(SampleTraffic.signalQuality, to: path)
        return try CaptureFiles.bytes(of: path)
    }

    @Test func readsAClassicPcapFromAFileDescriptor() throws {
        let path = RepositoryRoot.sample("external/ssl-sessions-mixed.pcap")
        let readEnd = try pipeFeeding(try CaptureFiles.bytes(of: path))
        defer { close(readEnd) }

        let reader = try CaptureReader(fileDescriptor: readEnd, name: "pipe")
        #expect(reader.name == "pipe")
        #expect(reader.isPcapng == false)
        #expect(CaptureFiles.readAll(reader) == (try CaptureFiles.readAll(path)))
    }

    @Test func readsPcapngFromAStream() throws {
        let path = RepositoryRoot.sample("external/ssl-sessions-mixed.pcapng")
        let readEnd = try pipeFeeding(try CaptureFiles.bytes(of: path))
        let stream = try #require(fdopen(readEnd, "rb"))

        let reader = try CaptureReader(file: stream, name: "stream")
        #expect(reader.isPcapng == true, "detected without peeking at the file")
        var count = 0
        reader.forEachRecord { _ in count += 1 }
        #expect(count == 1549)
        reader.close()
    }

    @Test func textOnAPipeIsNotACapture() throws {
        let readEnd = try pipeFeeding(Array("AT+CSQ\r\n+CSQ: 20,99\r\n".utf8))
        defer { close(readEnd) }
        #expect(throws: CaptureError.notACapture(name: "pipe")) {
            _ = try CaptureReader(fileDescriptor: readEnd, name: "pipe")
        }
    }

    @Test func emptyPipeIsNotACapture() throws {
        let readEnd = try pipeFeeding([])
        defer { close(readEnd) }
        #expect(throws: CaptureError.notACapture(name: "pipe")) {
            _ = try CaptureReader(fileDescriptor: readEnd, name: "pipe")
        }
    }

    @Test func writerStreamsToAPipeWithoutSyncing() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }

        // Small enough to fit the pipe buffer, so one thread can write and then read.
        let writer = try CaptureWriter(fileDescriptor: descriptors[1], name: "pipe", syncPolicy: .everyRecord)
        close(descriptors[1]) // the writer holds its own duplicate
        for case .chunk(let chunk) in SampleTraffic.signalQuality {
            try writer.write(chunk)
        }
        #expect(writer.syncsPerformed == 0, "a pipe cannot be synced")
        try writer.close()

        let reader = try CaptureReader(fileDescriptor: descriptors[0], name: "pipe")
        #expect(CaptureFiles.readAll(reader) == SampleTraffic.signalQuality)
    }

    @Test func callerKeepsItsDescriptor() throws {
        let readEnd = try pipeFeeding(try smallCapture())
        let reader = try CaptureReader(fileDescriptor: readEnd, name: "pipe")
        #expect(reader.next() != nil)
        reader.close()
        #expect(fcntl(readEnd, F_GETFD) != -1, "closing the reader leaves the caller's descriptor open")
        close(readEnd)
    }
}
