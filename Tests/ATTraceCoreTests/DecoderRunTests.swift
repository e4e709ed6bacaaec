import Testing
@testable import ATTraceCore

/// Feeding consecutive records of one direction as one run
/// (``ATStreamDecoder/feed(run:direction:channel:marks:)``, how captures are decoded) gives
/// exactly the output of feeding them one by one: the same records, times and frames.
@Suite struct DecoderRunTests {
    @Test(arguments: DecoderChunkingTests.names)
    func runsOfTheCorpusGiveIdenticalOutput(name: String) {
        let records = DecoderChunkingTests.conversation(name).records
        expectRunsMatch(records, name)
        expectRunsMatch(rechunk(records, sizes: [1]), "\(name) byte by byte")
        var random = SplitMix(state: 7)
        let sizes = (0..<13).map { _ in Int.random(in: 1...9, using: &random) }
        expectRunsMatch(rechunk(records, sizes: sizes, emptyEvery: 4), "\(name) chunked \(sizes)")
    }

    @Test(arguments: SampleScriptTests.scriptPaths)
    func runsOfTheSampleScriptsGiveIdenticalOutput(path: String) throws {
        let records = try SampleScriptTests.load(path).records
        expectRunsMatch(records, path)
        expectRunsMatch(rechunk(records, sizes: [1]), "\(path) byte by byte")
        var random = SplitMix(state: 11)
        let sizes = (0..<13).map { _ in Int.random(in: 1...9, using: &random) }
        expectRunsMatch(rechunk(records, sizes: sizes, emptyEvery: 5), "\(path) chunked \(sizes)")
    }

    @Test func aRunWithEmptyRecordsAndOneRecordRunsMatch() {
        var conversation = Conversation()
        conversation.host(0.0, "AT+QSSLSEND=1,5\r")
        conversation.modem(0.1, "\r\n> ")
        conversation.host(0.2, "")
        conversation.host(0.2, "hel")
        conversation.host(0.3, "lo")
        conversation.modem(0.4, "\r\nSEND OK\r\n")
        conversation.modem(0.5, "")
        conversation.modem(0.6, "\r\n+QSSLURC: \"recv\",1\r\n")
        expectRunsMatch(conversation.records, "empty records")
    }

    private func expectRunsMatch(_ records: [CaptureRecord], _ label: String) {
        let reference = ATStreamDecoder.decode(records)
        let output = Self.decodeInRuns(records)
        #expect(output == reference, "feeding runs changed the output of \(label)")
    }

    /// Decodes `records`, consecutive chunks of one direction and channel fed as one run.
    static func decodeInRuns(_ records: [CaptureRecord]) -> [DecodedRecord] {
        var decoder = ATStreamDecoder()
        var result: [DecodedRecord] = []
        var index = 0
        while index < records.count {
            guard case .chunk(let first) = records[index] else {
                decoder.feed(records[index])
                decoder.drain { result.append($0) }
                index += 1
                continue
            }
            var bytes: [UInt8] = []
            var marks: [ByteMark] = []
            while index < records.count, case .chunk(let chunk) = records[index],
                  chunk.direction == first.direction, chunk.channel == first.channel {
                marks.append(ByteMark(offset: bytes.count, time: chunk.time, frame: chunk.frame))
                bytes += chunk.bytes
                index += 1
            }
            bytes.withUnsafeBytes { bytes in
                marks.withUnsafeBufferPointer { marks in
                    decoder.feed(run: bytes, direction: first.direction, channel: first.channel, marks: marks)
                }
            }
            decoder.drain { result.append($0) }
        }
        decoder.finish()
        decoder.drain { result.append($0) }
        return result
    }
}
