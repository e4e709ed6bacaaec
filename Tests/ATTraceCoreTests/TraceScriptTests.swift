import ATTraceCore
import ATTraceSimulation
import Testing

/// The trace-script format (Samples/scripts/README.md): tokens, blocks, directives, exact
/// times, errors with line numbers, and the render → parse round trip.
@Suite struct TraceScriptTests {
    // MARK: - Helpers

    private func parse(_ text: String) throws -> TraceScript {
        try TraceScript.parse(text, name: "test.trace")
    }

    /// The bytes of a one-row script `0 > <data>`.
    private func bytes(_ data: String) throws -> [UInt8] {
        let script = try parse("0 > " + data)
        guard case .chunk(let chunk)? = script.records.first else {
            Issue.record("no chunk")
            return []
        }
        return chunk.bytes
    }

    private func error(_ text: String) -> TraceScriptError? {
        do {
            _ = try TraceScript.parse(text, name: "bad.trace")
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Rows and directions

    @Test func rowsBecomeChunksWithDirectionsFramesAndChannels() throws {
        let script = try parse("""
            # a comment
              # an indented comment

            0.000 > AT<CR>
            0.010 < <CR><LF>OK<CR><LF>
            @channel 2
            0.020 ? ATI<CR>
            0.030 ! {"event":"mark","text":"button pressed"}
            """)
        #expect(script.records.count == 4)
        #expect(script.records.map(\.frame) == [1, 2, 3, 4])
        guard case .chunk(let host) = script.records[0], case .chunk(let modem) = script.records[1],
              case .chunk(let unknown) = script.records[2], case .event(let event) = script.records[3] else {
            Issue.record("unexpected record kinds")
            return
        }
        #expect(host.direction == .host && host.bytes == Array("AT\r".utf8) && host.channel == 0)
        #expect(modem.direction == .modem && modem.bytes == Array("\r\nOK\r\n".utf8))
        #expect(unknown.direction == .unknown && unknown.channel == 2)
        #expect(event.name == "mark" && event.channel == 2 && event["text"]?.stringValue == "button pressed")
        #expect(event.time == TraceScript.defaultStart.adding(.milliseconds(30)))
    }

    @Test func exactlyOneSpaceSeparatesDirectionAndDataAndTrailingBlanksAreStripped() throws {
        #expect(try bytes("  AT<CR>") == Array("  AT\r".utf8))
        #expect(try bytes("AT<CR>   \t") == Array("AT\r".utf8))
        #expect(try bytes("<CR><LF>><SP>") == [0x0D, 0x0A, 0x3E, 0x20])
        #expect(try bytes("# is data here") == Array("# is data here".utf8))
        #expect(try bytes("a}b") == Array("a}b".utf8))
    }

    // MARK: - Tokens

    @Test(arguments: [
        ("<CR>", [0x0D]), ("<LF>", [0x0A]), ("<SUB>", [0x1A]), ("<ESC>", [0x1B]), ("<NUL>", [0x00]),
        ("<SP>", [0x20]), ("<TAB>", [0x09]), ("<x00>", [0x00]), ("<xff>", [0xFF]), ("<xA5>", [0xA5]),
        ("<lt>", [0x3C]), ("<lb>", [0x7B]), ("<rb>", [0x7D]), ("<cr><Lf>", [0x0D, 0x0A]),
        ("a<SP>b", [0x61, 0x20, 0x62]),
    ] as [(String, [UInt8])])
    func tokens(data: String, expected: [UInt8]) throws {
        #expect(try bytes(data) == expected)
    }

    // MARK: - Blocks

    @Test func sizedBlockTakesItsTextLiterallyWithTokens() throws {
        #expect(try bytes("{18 bytes: Test data from SSL}<SUB>") == Array("Test data from SSL\u{1A}".utf8))
        #expect(try bytes("{1 byte: x}") == [0x78])
        #expect(try bytes("{4 bytes: OK<CR><LF>}") == Array("OK\r\n".utf8))
        #expect(try bytes("{3 bytes: a{b}") == Array("a{b".utf8))
        #expect(try bytes("{2 bytes:  x}") == Array(" x".utf8))
    }

    @Test func hexBlock() throws {
        #expect(try bytes("{hex: 41 54 0d 0a}") == [0x41, 0x54, 0x0D, 0x0A])
        #expect(try bytes("{hex:4154}x") == [0x41, 0x54, 0x78])
        #expect(try bytes("{HEX: F0 8E}") == [0xF0, 0x8E])
    }

    @Test func randomBlockIsSplitMix64LittleEndian() throws {
        // SplitMix64 reference output for seed 0: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
        #expect(try bytes("{random 10 seed 0}") == [0xAF, 0xCD, 0x1D, 0x7B, 0x39, 0xA8, 0x20, 0xE2, 0xF4, 0x65])
        #expect(try bytes("{random 320 seed 7}") == SplitMix64.bytes(count: 320, seed: 7))
        #expect(try bytes("{random 320 seed 7}").count == 320)
        #expect(try bytes("{random 5 seed 7}") == Array(SplitMix64.bytes(count: 320, seed: 7).prefix(5)))
    }

    @Test func repeatBlockNests() throws {
        #expect(try bytes("{repeat 3: ab<CR>}") == Array("ab\rab\rab\r".utf8))
        #expect(try bytes("{repeat 2: {hex: 00 01}x}") == [0, 1, 0x78, 0, 1, 0x78])
        #expect(try bytes("x{repeat 0: y}") == [0x78])
    }

    // MARK: - Directives

    @Test func directives() throws {
        let script = try parse("""
            @title G3 — buffer access mode (quectel-ssl.md §9 G3)
            @start 2026-11-24T10:00:00.5Z     # comment after the value
            @truncate 5  # cut the tail
            @channel 3 # the modem's AT port
            1 > AT<CR>
            """)
        #expect(script.title == "G3 — buffer access mode (quectel-ssl.md §9 G3)")
        #expect(script.truncateBytes == 5)
        #expect(script.start == TraceScript.defaultStart.adding(.milliseconds(500)))
        #expect(script.records.first?.time == TraceScript.defaultStart.adding(.milliseconds(1500)))
        guard case .chunk(let chunk)? = script.records.first else { return }
        #expect(chunk.channel == 3)
    }

    @Test func defaultStartIs2026_11_24T10UTC() throws {
        #expect(TraceScript.defaultStart.iso8601 == "2026-11-24T10:00:00.000000000Z")
        let script = try parse("0 > AT<CR>")
        #expect(script.start == TraceScript.defaultStart && script.title == nil && script.truncateBytes == nil)
    }

    @Test(arguments: [
        ("2026-11-24T10:00:00Z", "2026-11-24T10:00:00.000000000Z"),
        ("2026-11-24T10:00:00.123456789Z", "2026-11-24T10:00:00.123456789Z"),
        ("2026-11-24 10:00:00.1Z", "2026-11-24T10:00:00.100000000Z"),
        ("2026-11-24T12:30:00+02:30", "2026-11-24T10:00:00.000000000Z"),
        ("2026-11-24T05:00:00-0500", "2026-11-24T10:00:00.000000000Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000000Z"),
    ])
    func startAcceptsISO8601(text: String, expected: String) throws {
        #expect(try parse("@start \(text)\n0 > A<CR>").start.iso8601 == expected)
    }

    // MARK: - Times

    @Test(arguments: [
        ("0", 0), ("3", 3_000_000_000), ("3.02", 3_020_000_000), ("0.000000001", 1),
        ("123456.789012345", 123_456_789_012_345), ("1.1", 1_100_000_000), ("460.000", 460_000_000_000),
    ] as [(String, Int64)])
    func timesAreExactNanoseconds(text: String, nanoseconds: Int64) throws {
        let script = try parse("\(text) > A<CR>")
        #expect(script.records.first?.time?.since(script.start).nanoseconds == nanoseconds)
    }

    @Test func equalTimesAreAllowed() throws {
        let script = try parse("1.0 > A<CR>\n1.000 < B<CR>\n1 ! {\"event\":\"mark\"}")
        #expect(script.records.count == 3)
    }

    // MARK: - Errors

    @Test(arguments: [
        ("0 > AT<CR>\nabc > AT", 2, TraceScriptError.Reason.invalidTime("abc")),
        ("0 > AT\n1.1234567890 > AT", 2, .invalidTime("1.1234567890")),
        ("1. > AT", 1, .invalidTime("1.")),
        ("-1 > AT", 1, .invalidTime("-1")),
        ("2 > A\n\n1.5 > B", 3, .timeDecreases(previous: "2", current: "1.5")),
        ("1", 1, .missingDirection),
        ("1 x AT", 1, .unknownDirection("x")),
        ("1 >AT", 1, .missingSpaceAfterDirection),
        ("1 >", 1, .emptyRow),
        ("1 >    ", 1, .emptyRow),
        ("1 > {repeat 0: x}", 1, .emptyRow),
        ("1 > <FOO>", 1, .unknownToken("FOO")),
        ("1 > <x4>", 1, .unknownToken("x4")),
        ("1 > <xZZ>", 1, .unknownToken("xZZ")),
        ("1 > a < b", 1, .unterminatedToken),
        ("1 > {18 bytes: Test data", 1, .unterminatedBlock),
        ("1 > {hex: 41", 1, .unterminatedBlock),
        ("1 > {repeat 2: ab", 1, .unterminatedBlock),
        ("1 > {random 3 seed", 1, .unterminatedBlock),
        ("1 > {17 bytes: Test data from SSL}", 1, .byteCountMismatch(declared: 17, actual: 18)),
        ("1 > {hex: 4}", 1, .invalidHex("4")),
        ("1 > {hex: 4g}", 1, .invalidHex("4g")),
        ("1 > {blob: x}", 1, .unknownBlock("blob:")),
        ("1 > {random many}", 1, .unknownBlock("random many")),
        ("1 > a\u{01}b", 1, .controlCharacter(0x01)),
        ("1 > {repeat 99999999: {random 100 seed 1}}", 1, .rowTooLong(limit: TraceScript.maximumRowLength)),
        ("1 ! [1,2]", 1, .eventNotObject("[1,2]")),
        ("1 ! {\"event\":", 1, .eventNotObject("{\"event\":")),
        ("1 !", 1, .eventNotObject("(empty)")),
        ("@colour red", 1, .unknownDirective("colour")),
        ("@start yesterday", 1, .invalidDirectiveValue(directive: "start", value: "yesterday")),
        ("@start 2026-13-01T00:00:00Z", 1, .invalidDirectiveValue(directive: "start", value: "2026-13-01T00:00:00Z")),
        ("@channel -1", 1, .invalidDirectiveValue(directive: "channel", value: "-1")),
        ("@truncate 0", 1, .invalidDirectiveValue(directive: "truncate", value: "0")),
        ("@truncate 3\n@truncate 4", 2, .duplicateDirective("truncate")),
        ("@title a\n@title b", 2, .duplicateDirective("title")),
        ("0 > A<CR>\n@start 2026-11-24T10:00:00Z", 2, .startAfterRows),
    ] as [(String, Int, TraceScriptError.Reason)])
    func errorsNameTheLineAndReason(text: String, line: Int, reason: TraceScriptError.Reason) {
        let failure = error(text)
        #expect(failure == TraceScriptError(scriptName: "bad.trace", line: line, reason: reason))
    }

    @Test func errorDescriptionIsOneLineWithNameAndLine() {
        let failure = error("0 > A<CR>\n1 > {17 bytes: Test data from SSL}")
        #expect(failure?.description == "bad.trace:2: block declares 17 bytes but its text gives 18")
        #expect(failure?.description.contains("\n") == false)
        let token = error("\n\n1 > <BEL>")
        #expect(token?.description == "bad.trace:3: unknown token '<BEL>'")
    }

    @Test func windowsLineEndsAreAccepted() throws {
        let script = try parse("@title t\r\n0 > AT<CR>\r\n0.1 < OK\r\n")
        #expect(script.title == "t")
        #expect(script.chunks.map(\.bytes) == [Array("AT\r".utf8), Array("OK".utf8)])
    }

    // MARK: - Render

    @Test func renderRoundTripsEveryKindOfRecord() throws {
        let text = """
            @title Round trip
            @start 2026-11-24T10:00:00.25Z
            @truncate 7
            0.000 > AT+QSSLOPEN=1,1,4,"220.180.239.212",8010,0<CR>
            0.030 < <CR><LF>OK<CR><LF>
            3.020 < <CR><LF>><SP>
            3.100 > {18 bytes: Test data from SSL}<SUB>
            3.100000001 > {hex: 00 01 02 03 04 1a 1b 0d 0a ff 7f 80} x <lt>y<lb>z} <TAB>end<SP><SP>
            @channel 5
            4.000 ? {random 300 seed 9}
            5.000 ! {"event":"mark","text":"button \\"pressed\\"","n":3,"x":1.5,"list":[true,null]}
            @channel 0
            6.5 <  leading spaces<SP>
            """
        let script = try parse(text)
        let rendered = script.render()
        let reparsed = try TraceScript.parse(rendered, name: "rendered.trace")
        #expect(reparsed.records == script.records)
        #expect(reparsed.title == script.title && reparsed.start == script.start)
        #expect(reparsed.truncateBytes == script.truncateBytes)
        #expect(reparsed == TraceScript(name: "rendered.trace", title: script.title, start: script.start,
                                        records: script.records, truncateBytes: 7))
    }

    @Test func renderUsesReadableForms() throws {
        let script = try parse("""
            0.000 > AT<CR>
            0.0200 < <CR><LF>><SP>
            0.1 > {hex: 01 02 03 04 41}<NUL><lt><lb><xff><ESC>
            """)
        #expect(script.render() == """
            @start 2026-11-24T10:00:00.000000000Z
            0.000 > AT<CR>
            0.020 < <CR><LF>><SP>
            0.100 > {hex: 01 02 03 04}A<NUL><lt><lb><xFF><ESC>

            """)
    }

    @Test func renderRoundTripsRandomBinaryChunks() throws {
        var generator = SplitMix64(seed: 42)
        var records: [CaptureRecord] = []
        var time = TraceScript.defaultStart
        for frame in 1...200 {
            var bytes: [UInt8] = []
            generator.appendBytes(1 + generator.below(64), to: &bytes)
            time = time.adding(Duration(nanoseconds: Int64(generator.below(5_000_000))))
            let direction: Direction = [.host, .modem, .unknown][generator.below(3)]
            records.append(.chunk(TraceChunk(time: time, frame: frame, channel: UInt32(generator.below(2)),
                                             direction: direction, bytes: bytes)))
        }
        let script = TraceScript(name: "random", records: records)
        let reparsed = try TraceScript.parse(script.render(), name: "random")
        #expect(reparsed.records == records)
    }

    @Test func renderKeepsTimesParseableWhenTheClockStepsBack() throws {
        let start = TraceScript.defaultStart
        let records: [CaptureRecord] = [
            .chunk(TraceChunk(time: start.adding(.seconds(2)), frame: 1, direction: .host, bytes: Array("AT\r".utf8))),
            .chunk(TraceChunk(time: start.adding(.seconds(1)), frame: 2, direction: .modem, bytes: Array("OK".utf8))),
        ]
        let rendered = TraceScript(name: "clock", records: records).render()
        let reparsed = try TraceScript.parse(rendered, name: "clock")
        #expect(reparsed.records.map(\.time) == [start.adding(.seconds(2)), start.adding(.seconds(2))])
        #expect(rendered.contains("# the next row was recorded at"))
    }
}
