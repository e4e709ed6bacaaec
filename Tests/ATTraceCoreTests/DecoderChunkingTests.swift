import Testing
@testable import ATTraceCore

/// The decoder contract (Docs/DecoderContract.md): output never depends on chunking, and
/// every input byte ends up in exactly one output object.
@Suite struct DecoderChunkingTests {
    static let names = DecoderCorpus.all.map(\.name)

    static func conversation(_ name: String) -> Conversation {
        DecoderCorpus.all.first(where: { $0.name == name })!.conversation
    }

    @Test(arguments: names)
    func fixedChunkSizesGiveIdenticalOutput(name: String) {
        let records = Self.conversation(name).records
        let reference = ATStreamDecoder.decode(records)
        for size in [1, 2, 3, 7, 64] {
            let output = ATStreamDecoder.decode(rechunk(records, sizes: [size]))
            #expect(output == reference, "chunk size \(size) changed the output of \(name)")
        }
    }

    @Test(arguments: names)
    func randomChunksWithEmptyChunksGiveIdenticalOutput(name: String) {
        let records = Self.conversation(name).records
        let reference = ATStreamDecoder.decode(records)
        var random = SplitMix(state: 42)
        for _ in 0..<20 {
            let sizes = (0..<17).map { _ in Int.random(in: 1...9, using: &random) }
            let output = ATStreamDecoder.decode(rechunk(records, sizes: sizes, emptyEvery: 3))
            #expect(output == reference, "random chunking \(sizes) changed the output of \(name)")
        }
    }

    /// Merging gives the merged bytes the first record's time, so conversations whose
    /// decoding depends on elapsed time (an abandoned command) are left out.
    @Test(arguments: names.filter { $0 != "abandoned" })
    func mergedRecordsGiveTheSameStructure(name: String) {
        let records = Self.conversation(name).records
        let reference = ATStreamDecoder.decode(records).map(\.withoutProvenance)
        let output = ATStreamDecoder.decode(mergeAdjacent(records)).map(\.withoutProvenance)
        #expect(output == reference, "merging adjacent records changed the output of \(name)")
    }

    @Test(arguments: names)
    func everyByteIsAccountedFor(name: String) {
        let records = Self.conversation(name).records
        for variant in [records, rechunk(records, sizes: [1]), mergeAdjacent(records)] {
            let output = ATStreamDecoder.decode(variant)
            let accounting = byteAccounting(input: variant, output: output)
            #expect(accounting.input == accounting.output, "\(name): input \(accounting.input) vs output \(accounting.output)")
        }
    }
}

extension DecodedRecord {
    /// The record with every time and frame number cleared, to compare structure only.
    var withoutProvenance: DecodedRecord {
        let zero = Timestamp(nanoseconds: 0)
        func clean(_ payload: Payload?) -> Payload? {
            guard var payload else { return nil }
            payload.time = zero
            payload.endTime = zero
            return payload
        }
        switch self {
        case .transaction(var t):
            t.start = zero; t.commandEnd = zero; t.end = t.end.map { _ in zero }
            t.final?.time = zero; t.final?.frame = 0
            t.promptTime = t.promptTime.map { _ in zero }
            t.tx = clean(t.tx); t.rx = clean(t.rx)
            t.firstFrame = 0; t.lastFrame = 0
            t.responses = t.responses.map { Transaction.Line(text: $0.text, time: zero, frame: 0) }
            return .transaction(t)
        case .urc(var u):
            u.time = zero; u.frame = 0; u.payload = clean(u.payload)
            return .urc(u)
        case .data(var d):
            d.time = zero; d.endTime = zero; d.firstFrame = 0; d.lastFrame = 0; d.payload = clean(d.payload)!
            return .data(d)
        case .mode(var m):
            m.time = zero; m.frame = 0; m.finalTime = m.finalTime.map { _ in zero }; m.escapeGuard = nil
            return .mode(m)
        case .event(var e):
            e.time = zero; e.frame = 0
            return .event(e)
        case .diagnostic(var d):
            d.time = d.time.map { _ in zero }; d.frame = 0
            return .diagnostic(d)
        case .multiplexer(var m):
            m.time = zero; m.frame = 0
            return .multiplexer(m)
        }
    }
}
