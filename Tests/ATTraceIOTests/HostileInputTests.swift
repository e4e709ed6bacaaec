import ATTraceCore
import ATTraceIO
import Testing

/// Hostile input never crashes, hangs or exhausts memory; each gives a clear message or a
/// diagnostic (product.md §6).
@Suite struct HostileInputTests {
    private func openingError(_ bytes: [UInt8], name: String = "input.pcap") throws -> CaptureError? {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file(name)
        try CaptureFiles.writeBytes(bytes, to: path)
        do throws(CaptureError) {
            _ = try CaptureReader(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyFileIsNotACapture() throws {
        let error = try openingError([], name: "empty.pcap")
        guard case .notACapture(let name)? = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
        #expect(name.hasSuffix("/empty.pcap"))
        #expect(error?.description == "\(name) is not a pcap or pcapng file")
    }

    @Test func textFileIsNotACapture() throws {
        let error = try openingError(Array("AT+CSQ\r\n+CSQ: 20,99\r\n\r\nOK\r\n".utf8), name: "modem.log")
        guard case .notACapture? = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
    }

    @Test func ethernetCaptureHasAnUnsupportedLinkType() throws {
        var file = PcapBytes(linkType: 1)
        file.appendRecord(data: Array(repeating: 0xFF, count: 60))
        let error = try openingError(file.bytes, name: "ethernet.pcap")
        guard case .unsupportedLinkType(let name, let linkType)? = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
        #expect(linkType == 1)
        #expect(error?.description.hasPrefix("\(name) has link type 1 (Ethernet), which carries no serial traffic") == true)
    }

    @Test func missingFileCannotBeRead() throws {
        let path = "/nonexistent-directory/capture.pcap"
        #expect(throws: CaptureError.cannotRead(name: path, reason: "No such file or directory")) {
            _ = try CaptureReader(path: path)
        }
        #expect(CaptureError.cannotRead(name: "capture.pcap", reason: "No such file or directory").description
                == "cannot read capture.pcap: No such file or directory")
    }

    @Test func directoryCannotBeRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: CaptureError.cannotRead(name: directory.path, reason: "Is a directory")) {
            _ = try CaptureReader(path: directory.path)
        }
    }

    @Test func fileHeaderCutShortCannotBeRead() throws {
        let error = try openingError(Array(PcapBytes().bytes.prefix(10)))
        guard case .cannotRead(_, let reason)? = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
        #expect(reason.contains("truncated dump file"))
    }

    @Test func unsupportedPcapVersionCannotBeRead() throws {
        let error = try openingError(PcapBytes(versionMajor: 1).bytes)
        guard case .cannotRead(_, let reason)? = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
        #expect(reason.contains("archaic"))
    }

    /// Mutations of a valid capture (flipped bytes, cuts, lying lengths): reading always
    /// ends, never crashes, and numbers records in order.
    @Test func corruptedCapturesAreReadToTheEnd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try CaptureFiles.bytes(of: RepositoryRoot.sample("external/ssl-sessions-mixed.pcap"))
        let limit = 40_000
        var generator = SplitMix64(seed: 0x5EED)
        for round in 0..<200 {
            var bytes = Array(original.prefix(limit))
            for _ in 0..<(1 + Int(generator.next() % 8)) {
                // Leave the file header intact so that libpcap reads records at all.
                let offset = 24 + Int(generator.next() % UInt64(bytes.count - 24))
                bytes[offset] = UInt8(truncatingIfNeeded: generator.next())
            }
            if round.isMultiple(of: 3) {
                bytes = Array(bytes.prefix(24 + Int(generator.next() % UInt64(bytes.count - 24))))
            }
            let path = directory.file("corrupt-\(round).pcap")
            try CaptureFiles.writeBytes(bytes, to: path)
            let reader = try CaptureReader(path: path)
            var frames: [Int] = []
            var damagedTails = 0
            reader.forEachRecord { record in
                frames.append(record.frame)
                if case .diagnostic(let diagnostic) = record, diagnostic.code == .truncatedCapture {
                    damagedTails += 1
                }
            }
            #expect(zip(frames, frames.dropFirst()).allSatisfy { $0 <= $1 }, "round \(round)")
            #expect(damagedTails <= 1, "round \(round)")
        }
    }
}

/// A small deterministic generator, so a failing round can be reproduced.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
