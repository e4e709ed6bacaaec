import Foundation
import Testing
import ATTraceCore
import ATTraceSimulation

/// The CMUX sample (`Samples/scripts/cmux/cmux-basic.trace`) deframed per direction, as the
/// decoder will do after `AT+CMUX=0` is answered `OK`.
@Suite struct CMUXSampleTests {
    static func sample() throws -> TraceScript {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        let path = url.appendingPathComponent("Samples/scripts/cmux/cmux-basic.trace")
        return try TraceScript.parse(try String(contentsOf: path, encoding: .utf8), name: "cmux/cmux-basic.trace")
    }

    /// The multiplexed part of one direction: from the first flag to the close-down.
    static func events(_ direction: Direction, in script: TraceScript, chunked: Bool = true) -> [CMUXEvent] {
        var deframer = CMUXDeframer()
        var events: [CMUXEvent] = []
        for record in script.records {
            guard case .chunk(let chunk) = record, chunk.direction == direction else { continue }
            let seconds = chunk.time.since(script.start).seconds
            guard seconds > 0.05 && seconds < 3.2 else { continue }
            if chunked {
                deframer.feed(chunk.bytes)
            } else {
                for byte in chunk.bytes { deframer.feed(CollectionOfOne(byte)) }
            }
            deframer.drain { events.append($0) }
        }
        deframer.finish()
        deframer.drain { events.append($0) }
        return events
    }

    @Test func hostFrames() throws {
        let events = Self.events(.host, in: try Self.sample())
        let frames = events.compactMap { if case .frame(let frame) = $0 { frame } else { nil } }
        #expect(frames.count == 10)
        #expect(events.count == frames.count, "the host side has no damage")
        #expect(frames.prefix(4).map(\.type) == Array(repeating: .sabm, count: 4))
        #expect(frames.prefix(4).map(\.dlci) == [0, 1, 2, 3])
        let channelOne = frames.filter { $0.dlci == 1 && $0.type.carriesData }.flatMap(\.information)
        #expect(String(decoding: channelOne, as: UTF8.self) == "AT+CSQ\rAT+QIRD=0,1500\r")
        let control = try frames.filter { $0.dlci == 0 && $0.type == .unnumberedInformationHeaderCheck }
            .flatMap { try CMUXControlMessage.parse($0.information) }
        #expect(control.map(\.name) == ["MSC", "MSC", "CLD"])
        #expect(control.allSatisfy { $0.isCommand })
    }

    @Test func moduleFramesAndTheDamagedOne() throws {
        let script = try Self.sample()
        let events = Self.events(.modem, in: script)
        let frames = events.compactMap { if case .frame(let frame) = $0 { frame } else { nil } }
        let damage = events.compactMap { if case .damage(let damage) = $0 { damage } else { nil } }
        #expect(frames.count == 13)
        #expect(damage.count == 1)
        if case .badCheck(let dlci, _, _)? = damage.first?.reason {
            #expect(dlci == 1)
        } else {
            Issue.record("expected a bad check, got \(String(describing: damage.first?.reason))")
        }
        #expect(frames.contains { $0.dlci == 3 && $0.type == .disconnectedMode })
        let channelTwo = String(decoding: frames.filter { $0.dlci == 2 && $0.type.carriesData }.flatMap(\.information),
                                as: UTF8.self)
        #expect(channelTwo.hasPrefix("\r\n+QIACT: 1,1,1,\"10.64.17.5\"\r\n\r\nOK\r\n\r\nRING\r\n\r\nQuectel"))
        #expect(frames.contains { $0.information.count > 127 }, "a frame with a two-octet length")
        // Feeding one byte at a time gives the same events.
        #expect(Self.events(.modem, in: script, chunked: false) == events)
    }
}
