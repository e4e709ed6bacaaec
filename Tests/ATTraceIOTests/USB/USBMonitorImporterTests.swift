import ATTraceCore
import Foundation
import Testing
@testable import ATTraceIO
import ATTraceSimulation

@Suite(.serialized) struct USBMonitorImporterTests {
    /// The sample captures and the scripts whose traffic they carry.
    static let samples: [(file: String, script: String, linkType: UInt32)] = [
        ("usb/ec25-ssl-mmapped.pcap", "ssl/g3-buffer-mode.trace", 220),
        ("usb/ec25-tcp-legacy.pcap", "protocols/tcp-buffer-qird.trace", 189),
    ]

    static func script(_ name: String) throws -> TraceScript {
        let text = try String(contentsOfFile: RepositoryRoot.sample("scripts/" + name), encoding: .utf8)
        return try TraceScript.parse(text, name: name)
    }

    static func write(_ capture: USBMonitorCapture) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usbmon-\(UUID().uuidString).pcap").path
        try Data(capture.bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func importRecords(_ path: String, selection: USBSelection = USBSelection()) throws
        -> (records: [CaptureRecord], choice: USBEndpointChoice?) {
        let importer = try USBMonitorImporter(reader: try CaptureReader(path: path), selection: selection, tool: "attrace test")
        var records: [CaptureRecord] = []
        try importer.forEachRecord { records.append($0.copied()) }
        return (records, importer.choice)
    }

    /// `Samples/usb/*.pcap` are generated from their scripts; `UPDATE_GOLDENS=1` rewrites them.
    @Test(arguments: samples.map(\.file))
    func sampleMatchesItsScript(file: String) throws {
        let sample = Self.samples.first { $0.file == file }!
        let generated = USBMonitorCapture.quectelSession(from: try Self.script(sample.script).records, linkType: sample.linkType)
        let path = RepositoryRoot.sample(file)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
            try Data(generated.bytes).write(to: URL(fileURLWithPath: path))
            return
        }
        let committed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(committed == generated.bytes, "\(path) is stale: run UPDATE_GOLDENS=1 swift test")
    }

    @Test(arguments: [UInt32(220), 189])
    func automaticChoiceFindsTheATPortAndKeepsItsBytes(linkType: UInt32) throws {
        let script = try Self.script("ssl/g3-buffer-mode.trace")
        let path = try Self.write(USBMonitorCapture.quectelSession(from: script.records, linkType: linkType))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (records, choice) = try Self.importRecords(path)
        #expect(choice?.deviceName == "1.5")
        #expect(choice?.outEndpoint == 3 && choice?.inEndpoint == 4)
        #expect(choice?.isAutomatic == true)
        // Exactly the script's chunks, in order, with their directions and (µs) times.
        let expected = script.records.compactMap { record -> TraceChunk? in
            if case .chunk(let chunk) = record { chunk } else { nil }
        }
        let chunks = records.compactMap { record -> TraceChunk? in
            if case .chunk(let chunk) = record { chunk } else { nil }
        }
        #expect(chunks.map(\.bytes) == expected.map(\.bytes))
        #expect(chunks.map(\.direction) == expected.map(\.direction))
        #expect(chunks.map(\.time) == expected.map(\.time))
        guard case .event(let start)? = records.first else {
            Issue.record("the first record is not the start event")
            return
        }
        #expect(start["dialect"]?.stringValue == "usbmon")
        #expect(start["out_endpoint"]?.stringValue == "0x03")
        #expect(start["in_endpoint"]?.stringValue == "0x84")
        #expect(start["selection"]?.stringValue == "automatic")
        #expect(start["link_type"]?.intValue == Int64(linkType))
        // The decoder sees the script's conversation.
        let decoded = ATStreamDecoder.decode(records)
        let transactions = decoded.compactMap { record -> Transaction? in
            if case .transaction(let transaction) = record { transaction } else { nil }
        }
        #expect(transactions.count == 8)
        #expect(transactions.allSatisfy { $0.status == .ok })
    }

    @Test func manualSelection() throws {
        let script = try Self.script("protocols/tcp-buffer-qird.trace")
        let path = try Self.write(USBMonitorCapture.quectelSession(from: script.records, linkType: 220))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let selection = try USBSelection(device: "1.5", endpoint: "3,0x84")
        let (records, choice) = try Self.importRecords(path, selection: selection)
        #expect(choice == USBEndpointChoice(bus: 1, device: 5, outEndpoint: 3, inEndpoint: 4, isAutomatic: false))
        #expect(records.filter { if case .chunk = $0 { true } else { false } }.count
                == script.records.filter { if case .chunk = $0 { true } else { false } }.count)
        // The DM port, chosen by hand, gives its binary frames instead.
        let (dmRecords, dmChoice) = try Self.importRecords(path, selection: try USBSelection(device: "1.5", endpoint: "1"))
        #expect(dmChoice?.outEndpoint == 1 && dmChoice?.inEndpoint == 1)
        let first = dmRecords.compactMap { record -> TraceChunk? in if case .chunk(let chunk) = record { chunk } else { nil } }.first
        #expect(first?.bytes.first == 0x7E)
        // An endpoint the capture does not have: a start event and a diagnostic, no chunks.
        let (none, noChoice) = try Self.importRecords(path, selection: try USBSelection(device: "2.9", endpoint: nil))
        #expect(noChoice == nil)
        #expect(none.contains { if case .diagnostic = $0 { true } else { false } })
    }

    @Test func selectionSyntax() throws {
        #expect(try USBSelection(device: "3.17", endpoint: "2") == USBSelection(bus: 3, device: 17, outEndpoint: 2, inEndpoint: 2))
        #expect(try USBSelection(device: nil, endpoint: "0x02,0x83").inEndpoint == 3)
        #expect(throws: USBSelectionError.self) { try USBSelection(device: "1-5", endpoint: nil) }
        #expect(throws: USBSelectionError.self) { try USBSelection(device: nil, endpoint: "x") }
    }

    @Test func headerParsing() throws {
        var capture = USBMonitorCapture(linkType: 220)
        capture.bulkOut(device: 7, endpoint: 2, time: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_000),
                        data: Array("AT\r".utf8))
        let path = try Self.write(capture)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CaptureReader(path: path)
        var packets: [USBMonitorPacket] = []
        reader.forEachPacket { packet in
            if let parsed = USBMonitorPacket(packet.bytes, linkType: reader.linkType) { packets.append(parsed) }
        }
        #expect(packets.count == 2)
        #expect(packets[0].event == .submit && packets[0].transfer == .bulk && packets[0].device == 7 && packets[0].bus == 1)
        #expect(packets[0].data == Array("AT\r".utf8))
        #expect(packets[0].time == Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_000))
        #expect(packets[0].serialPayload?.direction == .host)
        #expect(packets[1].event == .complete && packets[1].data.isEmpty && packets[1].serialPayload == nil)
        #expect(packets[0].urb == packets[1].urb)
    }
}
