import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// Bulk transfers through the proxy: every byte value both ways, byte for byte, and an
/// application that stops reading (capture.md §6 cases 1 and 5).
@Suite(.serialized) struct ProxyTransferTests {
    /// 4 MiB cycling through all 256 byte values (CR, LF, XON, XOFF and FF included).
    private static let allByteValues: [UInt8] = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

    @Test func everyByteValueBothWaysIsForwardedAndRecordedExactly() throws {
        let harness = try ProxyHarness(echo: false)
        defer { harness.cleanUp() }
        let app = try harness.openApplication()
        defer { app.close() }
        // RTS/CTS on the app side: when the test reads slowly (a loaded CI machine), the tap
        // holds the device back instead of dropping, as a real port with flow control would.
        var settings = try #require(TerminalPort.settings(of: app.descriptor))
        settings.raw.c_cflag |= tcflag_t(CRTSCTS)
        #expect(TerminalPort.apply(settings, to: app.descriptor))
        let payload = Self.allByteValues
        #expect(Set(payload).count == 256)

        // Application → modem.
        app.write("AT+SINK=\(payload.count)\r")
        #expect(app.read(until: "CONNECT\r\n") == "\r\nCONNECT\r\n")
        app.write(payload)
        #expect(app.read(until: "OK\r\n", seconds: 60) == "\r\nOK\r\n")
        let command = Array("AT+SINK=\(payload.count)\r".utf8)
        let modemGotEverything = harness.modem.received == command + payload
        #expect(modemGotEverything, "the modem received exactly what the app sent")

        // Modem → application.
        let count = 4 << 20
        app.write("AT+SOURCE=\(count),7\r")
        let expected = Array("\r\nCONNECT\r\n".utf8) + ScriptedModem.sourceBytes(count: count, seed: 7) + Array("\r\nOK\r\n".utf8)
        let received = app.read(count: expected.count, seconds: 60)
        #expect(received.count == expected.count)
        let appGotEverything = received == expected
        #expect(appGotEverything, "the app received exactly what the modem sent")

        let records = try harness.stop()
        #expect(records.diagnostics.isEmpty)
        let hostRecorded = records.bytes(.host) == harness.modem.received
        let modemRecorded = records.bytes(.modem) == Array("\r\nCONNECT\r\n\r\nOK\r\n".utf8) + expected
        #expect(hostRecorded, "the capture holds exactly the app's bytes")
        #expect(modemRecorded, "the capture holds exactly the modem's bytes")
        #expect(records.events(named: "overrun").isEmpty)
        #expect(records.events(named: "capture_lost").isEmpty)
        let stop = try #require(records.events(named: "stop").first)
        #expect(stop["host"]?["dropped_bytes"]?.intValue == 0)
        #expect(stop["modem"]?["dropped_bytes"]?.intValue == 0)
        // Times never go backwards.
        let times = records.compactMap(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func stalledApplicationDoesNotStallTheOtherDirection() throws {
        let harness = try ProxyHarness(echo: false, configure: { configuration in
            configuration.deliveryLimit = 256 << 10
        })
        defer { harness.cleanUp() }
        let app = try harness.openApplication()
        defer { app.close() }
        let count = 10 << 20
        app.write("AT+SOURCE=\(count),3\r")
        // The app does not read; its commands must still reach the modem meanwhile.
        #expect(Polling.wait { harness.modem.received.count == "AT+SOURCE=\(count),3\r".utf8.count })
        #expect(harness.waitForEvent("overrun"))
        app.write("AT+CSQ\r")
        #expect(Polling.wait { String(decoding: harness.modem.received, as: UTF8.self).hasSuffix("AT+CSQ\r") },
                "app → modem is not stalled by the app not reading")
        let total = 11 + count + 6 + 21
        #expect(Polling.wait(seconds: 60) { ((try? harness.records()) ?? []).bytes(.modem).count >= total },
                "every modem byte is recorded although the app does not read")
        let delivered = app.readAvailable(seconds: 0.3)

        let records = try harness.stop()
        let modemBytes = records.bytes(.modem)
        #expect(modemBytes.count == total)
        let sourceRecorded = Array(modemBytes[11..<(11 + count)]) == ScriptedModem.sourceBytes(count: count, seed: 3)
        #expect(sourceRecorded)
        let stop = try #require(records.events(named: "stop").first)
        let dropped = try #require(stop["modem"]?["dropped_bytes"]?.intValue)
        #expect(dropped > 0)
        // What the app read is a prefix of the stream, and read + dropped + what the pty
        // still held ≤ the total (bounded memory: at most the delivery limit queued).
        let deliveredIsPrefix = Array(modemBytes.prefix(delivered.count)) == delivered
        #expect(deliveredIsPrefix)
        #expect(Int(dropped) + delivered.count <= total)
        #expect(total - Int(dropped) - delivered.count <= (256 << 10) + 65_536)
        let overruns = records.events(named: "overrun")
        #expect(overruns.first?["direction"] == .string("modem"))
    }
}
