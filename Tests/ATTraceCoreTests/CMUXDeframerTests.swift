import Testing
import ATTraceCore
import ATTraceSimulation

@Suite struct CMUXDeframerTests {
    /// formats.md §5 worked examples.
    @Test func workedExamplesAreFramesWithGoodChecks() {
        let stream: [UInt8] = [0xF9, 0x03, 0x3F, 0x01, 0x1C, 0xF9,
                               0xF9, 0x03, 0x73, 0x01, 0xD7, 0xF9,
                               0xF9, 0x07, 0xEF, 0x07, 0x41, 0x54, 0x0D, 0xD3, 0xF9]
        let frames = CMUXDeframer.events(in: stream).compactMap(\.frame)
        #expect(frames.count == 3)
        #expect(frames[0].type == .sabm && frames[0].dlci == 0 && frames[0].pollFinal && frames[0].commandResponse)
        #expect(frames[1].type == .unnumberedAcknowledgement && frames[1].pollFinal)
        #expect(frames[2].type == .unnumberedInformationHeaderCheck && frames[2].dlci == 1)
        #expect(frames[2].information == Array("AT\r".utf8))
        #expect(CMUXFrame(dlci: 0, commandResponse: true, type: .sabm, pollFinal: true).encoded()
                == [0xF9, 0x03, 0x3F, 0x01, 0x1C, 0xF9])
        #expect(CMUXFrame(dlci: 1, commandResponse: true, type: .unnumberedInformationHeaderCheck, pollFinal: false,
                          information: Array("AT\r".utf8)).encoded() == [0xF9, 0x07, 0xEF, 0x07, 0x41, 0x54, 0x0D, 0xD3, 0xF9])
    }

    @Test func twoOctetLengths() {
        #expect(CMUXFrame.lengthOctets(300) == [0x58, 0x02])
        #expect(CMUXFrame.lengthOctets(127) == [0xFF])
        let information = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }   // contains F9 bytes
        #expect(information.contains(0xF9))
        let frame = CMUXFrame(dlci: 2, commandResponse: false, type: .unnumberedInformationHeaderCheck,
                              pollFinal: false, information: information)
        let frames = CMUXDeframer.events(in: frame.encoded()).compactMap(\.frame)
        #expect(frames.count == 1)
        #expect(frames.first?.information == information)
        #expect(frames.first?.dlci == 2)
    }

    @Test func sharedAndDoubledFlagsBetweenFrames() {
        let a = Self.uih(1, "AT+CSQ\r")
        let b = Self.uih(1, "\r\nOK\r\n", commandResponse: false)
        // n_gsm bursts share one flag; other senders put two.
        let shared = a + b.dropFirst()
        let doubled = a + b
        for stream in [shared, doubled, [0xF9, 0xF9, 0xF9] + a + [0xF9] + b] {
            let events = CMUXDeframer.events(in: stream)
            #expect(events.compactMap(\.frame).map(\.information) == [Array("AT+CSQ\r".utf8), Array("\r\nOK\r\n".utf8)])
            #expect(events.compactMap(\.damage).isEmpty)
            Self.expectTiling(events, stream)
        }
    }

    @Test func badCheckIsReportedAndTheNextFrameFound() {
        var damaged = Self.uih(1, "AT+QIACT=1\r")
        damaged[damaged.count - 2] ^= 0x5A   // the FCS
        let good = Self.uih(1, "AT+CSQ\r")
        let stream = Self.uih(2, "ATI\r") + damaged + good
        let events = CMUXDeframer.events(in: stream)
        #expect(events.compactMap(\.frame).map(\.dlci) == [2, 1])
        #expect(events.compactMap(\.frame).last?.information == Array("AT+CSQ\r".utf8))
        let damage = events.compactMap(\.damage)
        #expect(damage.count == 1)
        if case .badCheck(let dlci, _, _)? = damage.first?.reason { #expect(dlci == 1) } else {
            Issue.record("expected a bad check, got \(String(describing: damage.first?.reason))")
        }
        Self.expectTiling(events, stream)
    }

    @Test func headerDamageInAUIHFrameFailsItsCheck() {
        var damaged = Self.uih(3, "AT\r")
        damaged[3] = 0x09   // length 3 → 4: the frame now swallows its FCS and misses its flag
        let stream = damaged + Self.uih(3, "ATE0\r")
        let events = CMUXDeframer.events(in: stream)
        #expect(events.compactMap(\.frame).map(\.information) == [Array("ATE0\r".utf8)])
        #expect(events.compactMap(\.damage).count == 1)
        Self.expectTiling(events, stream)
    }

    @Test func aDamagedLongLengthDoesNotHideTheFramesBehindIt() {
        var damaged = Self.uih(1, "AT\r")
        damaged[3] = 0xC9    // length 100
        let followers = (0..<5).flatMap { Self.uih(1, "AT+CREG?\($0)\r") }
        let stream = damaged + followers
        let events = CMUXDeframer.events(in: stream)
        #expect(events.compactMap(\.frame).count == 5)
        Self.expectTiling(events, stream)
    }

    @Test func garbageBeforeTheFirstFlagAndTruncationAtTheEnd() {
        let frame = Self.uih(1, "AT\r")
        let stream = Array("\r\nOK\r\n".utf8) + frame + Array(Self.uih(1, "ATI\r").prefix(5))
        let events = CMUXDeframer.events(in: stream)
        #expect(events.compactMap(\.frame).count == 1)
        let damage = events.compactMap(\.damage)
        #expect(damage.first?.reason == .unframed)
        #expect(damage.first?.bytes == Array("\r\nOK\r\n".utf8))
        #expect(damage.last?.reason == .endOfInput)
        Self.expectTiling(events, stream)
    }

    /// A UIH check covers only the header (formats.md §5), so damaged data passes.
    @Test func uihInformationIsNotChecked() {
        var frame = Self.uih(1, "AT\r")
        frame[4] = UInt8(ascii: "B")
        #expect(CMUXDeframer.events(in: frame).compactMap(\.frame).first?.information == Array("BT\r".utf8))
    }

    @Test func uiFramesAreCheckedOverTheirInformation() {
        let ui = CMUXFrame(dlci: 1, commandResponse: true, type: .unnumberedInformation, pollFinal: false,
                           information: Array("AT\r".utf8)).encoded()
        #expect(CMUXDeframer.events(in: ui).compactMap(\.frame).first?.type == .unnumberedInformation)
        var damaged = ui
        damaged[5] ^= 0x01   // an information byte: UI's check covers it
        let events = CMUXDeframer.events(in: damaged)
        #expect(events.compactMap(\.frame).isEmpty)
        #expect(events.compactMap(\.damage).count == 1)
    }

    /// Chunking never changes the frames (Docs/DecoderContract.md promise 1).
    @Test func chunkingDoesNotChangeTheEvents() {
        var stream = [UInt8](Array("junk".utf8))
        stream += CMUXFrame(dlci: 0, commandResponse: true, type: .sabm, pollFinal: true).encoded()
        stream += CMUXFrame(dlci: 0, commandResponse: true, type: .unnumberedAcknowledgement, pollFinal: true).encoded()
        stream += Self.uih(1, "AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8010,0\r")
        var bad = Self.uih(2, "AT+CSQ\r")
        bad[bad.count - 2] ^= 0xFF
        stream += bad
        stream += [0xF9]
        stream += CMUXFrame(dlci: 1, commandResponse: false, type: .unnumberedInformationHeaderCheck, pollFinal: false,
                            information: (0..<400).map { UInt8(truncatingIfNeeded: $0 * 13) }).encoded().dropFirst()
        stream += Self.uih(0, "", raw: CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.modemStatus,
                                                                   isCommand: true, value: [0x07, 0x8D]))
        stream += Array(Self.uih(1, "AT\r").prefix(4))
        let whole = CMUXDeframer.events(in: stream)
        Self.expectTiling(whole, stream)
        #expect(whole.compactMap(\.frame).count == 5)
        for size in [1, 2, 3, 7, 64] {
            #expect(Self.events(stream, chunks: size) == whole, "chunks of \(size)")
        }
        var random = SplitMix64(seed: 42)
        for _ in 0..<20 {
            var deframer = CMUXDeframer()
            var index = 0
            var events: [CMUXEvent] = []
            while index < stream.count {
                let size = Int(random.next() % 9)
                let end = min(stream.count, index + size)
                deframer.feed(stream[index..<end])
                deframer.drain { events.append($0) }
                index = end
            }
            deframer.finish()
            deframer.drain { events.append($0) }
            #expect(events == whole)
        }
    }

    /// Regression: every failed frame copied the unread rest of the input behind its
    /// bytes, so one large chunk full of damaged frames took time quadratic in its size.
    @Test func damagedFramesInOneLargeChunkTakeLinearTime() {
        func flood(_ damagedFrames: Int) -> [UInt8] {
            // An opening flag and an address without EA, again and again, then a good frame.
            var stream: [UInt8] = []
            stream.reserveCapacity(damagedFrames * 2 + 16)
            for _ in 0..<damagedFrames { stream += [0xF9, 0x00] }
            return stream + Self.uih(1, "AT\r")
        }
        func duration(_ stream: [UInt8]) -> Swift.Duration {
            ContinuousClock().measure { _ = CMUXDeframer.events(in: stream) }
        }
        let small = flood(20_000)
        let large = flood(320_000)
        let smallTime = (0..<3).map { _ in duration(small) }.min()!
        let largeTime = (0..<2).map { _ in duration(large) }.min()!
        // 16 times the input: about 16 times the time when linear, 256 when quadratic.
        #expect(largeTime < smallTime * 40, "\(smallTime) for 20000 damaged frames, \(largeTime) for 320000")
        let events = CMUXDeframer.events(in: large)
        Self.expectTiling(events, large)
        #expect(events.compactMap(\.frame).count == 1)
        #expect(events.compactMap(\.damage).count == 320_000)
    }

    // MARK: - Helpers

    static func uih(_ dlci: UInt8, _ text: String, commandResponse: Bool = true, raw: [UInt8]? = nil) -> [UInt8] {
        CMUXFrame(dlci: dlci, commandResponse: commandResponse, type: .unnumberedInformationHeaderCheck,
                  pollFinal: false, information: raw ?? Array(text.utf8)).encoded()
    }

    static func events(_ stream: [UInt8], chunks size: Int) -> [CMUXEvent] {
        var deframer = CMUXDeframer()
        var events: [CMUXEvent] = []
        var index = 0
        while index < stream.count {
            deframer.feed(stream[index..<min(stream.count, index + size)])
            deframer.drain { events.append($0) }
            index += size
        }
        deframer.finish()
        deframer.drain { events.append($0) }
        return events
    }

    /// Every byte belongs to exactly one event, and damage carries exactly its bytes.
    static func expectTiling(_ events: [CMUXEvent], _ stream: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var next = 0
        for event in events {
            #expect(event.span.lowerBound == next, "gap or overlap at \(next): \(event)", sourceLocation: sourceLocation)
            next = event.span.upperBound
            if case .damage(let damage) = event {
                #expect(damage.bytes == Array(stream[damage.span]), sourceLocation: sourceLocation)
            }
            if case .frame(let frame) = event {
                #expect(stream[frame.span].last == 0xF9, sourceLocation: sourceLocation)
            }
        }
        #expect(next == stream.count, "events cover \(next) of \(stream.count) bytes", sourceLocation: sourceLocation)
    }
}

extension CMUXEvent {
    var frame: CMUXFrame? { if case .frame(let frame) = self { frame } else { nil } }
    var damage: CMUXDamage? { if case .damage(let damage) = self { damage } else { nil } }
}
