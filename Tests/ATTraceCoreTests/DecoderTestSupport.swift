@testable import ATTraceCore

/// Builds capture records for decoder tests: `H(0.0, "AT\r")`, `M(0.1, "\r\nOK\r\n")`.
struct Conversation {
    var records: [CaptureRecord] = []
    static let base = Timestamp(seconds: 1_795_000_000)

    mutating func host(_ seconds: Double, _ text: String, channel: UInt32 = 0) {
        add(seconds, .host, Array(text.utf8), channel: channel)
    }

    mutating func modem(_ seconds: Double, _ text: String, channel: UInt32 = 0) {
        add(seconds, .modem, Array(text.utf8), channel: channel)
    }

    mutating func unknown(_ seconds: Double, _ text: String) {
        add(seconds, .unknown, Array(text.utf8), channel: 0)
    }

    mutating func add(_ seconds: Double, _ direction: Direction, _ bytes: [UInt8], channel: UInt32 = 0) {
        let time = Conversation.base.adding(Duration(nanoseconds: Int64((seconds * 1e9).rounded())))
        records.append(.chunk(TraceChunk(time: time, frame: records.count + 1, channel: channel,
                                         direction: direction, bytes: bytes)))
    }

    func decode() -> [DecodedRecord] {
        ATStreamDecoder.decode(records)
    }
}

extension Array where Element == DecodedRecord {
    var transactions: [Transaction] {
        compactMap { if case .transaction(let t) = $0 { t } else { nil } }
    }
    var urcs: [URCRecord] {
        compactMap { if case .urc(let u) = $0 { u } else { nil } }
    }
    var dataRuns: [DataRun] {
        compactMap { if case .data(let d) = $0 { d } else { nil } }
    }
    var modes: [ModeSwitch] {
        compactMap { if case .mode(let m) = $0 { m } else { nil } }
    }
    var diagnostics: [Diagnostic] {
        compactMap { if case .diagnostic(let d) = $0 { d } else { nil } }
    }
}

extension Transaction {
    var finalText: String? { final.map { String(decoding: $0.line, as: UTF8.self) } }
    var responseTexts: [String] { responses.map { String(decoding: $0.text, as: UTF8.self) } }
}

/// Re-chunks records: every chunk is split into pieces (sizes from `sizes`, cycling), with
/// optional empty chunks; times and frames stay those of the original record.
func rechunk(_ records: [CaptureRecord], sizes: [Int], emptyEvery: Int = 0) -> [CaptureRecord] {
    var result: [CaptureRecord] = []
    var sizeIndex = 0
    var counter = 0
    for record in records {
        guard case .chunk(let chunk) = record else {
            result.append(record)
            continue
        }
        var offset = 0
        while offset < chunk.bytes.count {
            let size = Swift.max(1, sizes[sizeIndex % sizes.count])
            sizeIndex += 1
            let end = Swift.min(chunk.bytes.count, offset + size)
            var piece = chunk
            piece.bytes = Array(chunk.bytes[offset..<end])
            result.append(.chunk(piece))
            counter += 1
            if emptyEvery > 0 && counter % emptyEvery == 0 {
                var empty = chunk
                empty.bytes = []
                result.append(.chunk(empty))
            }
            offset = end
        }
    }
    return result
}

/// Merges adjacent chunks of the same direction and channel into one (the "all at once"
/// extreme); the merged chunk takes the first chunk's time and frame.
func mergeAdjacent(_ records: [CaptureRecord]) -> [CaptureRecord] {
    var result: [CaptureRecord] = []
    for record in records {
        if case .chunk(let chunk) = record, case .chunk(var last)? = result.last,
           last.direction == chunk.direction, last.channel == chunk.channel {
            last.bytes += chunk.bytes
            result[result.count - 1] = .chunk(last)
        } else {
            result.append(record)
        }
    }
    return result
}

/// A deterministic generator for random chunk sizes.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Total bytes per direction in the input, and as accounted for by the output.
func byteAccounting(input: [CaptureRecord], output: [DecodedRecord]) -> (input: (Int, Int), output: (Int, Int)) {
    var inHost = 0, inModem = 0, inUnknown = 0
    for case .chunk(let chunk) in input {
        switch chunk.direction {
        case .host: inHost += chunk.bytes.count
        case .modem: inModem += chunk.bytes.count
        case .unknown: inUnknown += chunk.bytes.count
        }
    }
    var outHost = 0, outModem = 0
    for record in output {
        let counts = record.byteCounts
        outHost += counts.host
        outModem += counts.modem
    }
    if inUnknown > 0 {
        // Attributed bytes are counted on the side they were given to: compare totals.
        return ((inHost + inModem + inUnknown, 0), (outHost + outModem, 0))
    }
    return ((inHost, inModem), (outHost, outModem))
}
