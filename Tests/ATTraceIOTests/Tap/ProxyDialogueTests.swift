import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// The proxy is transparent for an AT dialogue and records exactly its bytes with their
/// direction (capture.md §6 cases 1 and 2).
@Suite(.serialized) struct ProxyDialogueTests {
    @Test func dialogueWithEchoOnAndOff() throws {
        let harness = try ProxyHarness(echo: true)
        defer { harness.cleanUp() }
        let app = try harness.openApplication()
        defer { app.close() }

        app.write("ATI\r")
        let first = app.read(until: "OK\r\n")
        #expect(first == "ATI\r\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A09M4G\r\n\r\nOK\r\n")
        app.write("ATE0\r")
        #expect(app.read(until: "OK\r\n") == "ATE0\r\r\nOK\r\n")
        app.write("AT+CSQ\r")
        let third = app.read(until: "OK\r\n")
        #expect(third == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")

        let records = try harness.stop()
        #expect(records.diagnostics.isEmpty)
        #expect(String(decoding: records.bytes(.host), as: UTF8.self) == "ATI\rATE0\rAT+CSQ\r")
        #expect(String(decoding: records.bytes(.modem), as: UTF8.self)
                == first + "ATE0\r\r\nOK\r\n" + third)
        let events = records.events
        #expect(events.first?.name == "start")
        #expect(events.last?.name == "stop")
        if case .event(let last)? = records.last { #expect(last.name == "stop") } else { Issue.record("the last record is not the stop event") }
        #expect(events.first?["mode"] == .string("proxy"))
        #expect(events.first?["modem_lines"] == .string("unavailable"), "a pty device has no modem lines")
        #expect(records.events(named: "app_open").count == 1)

        // The decoder sees three transactions, the first two with echo.
        let decoded = ATStreamDecoder.decode(records)
        let transactions = decoded.compactMap { record -> Transaction? in
            if case .transaction(let transaction) = record { return transaction }
            return nil
        }
        #expect(transactions.map(\.name) == ["ATI", "ATE", "AT+CSQ"])
        #expect(transactions.allSatisfy { $0.status == .ok })

        let stop = try #require(events.last)
        #expect(stop["host"]?["bytes"]?.intValue == 16)
        #expect(stop["modem"]?["bytes"]?.intValue == Int64(records.bytes(.modem).count))
        #expect(!FileManager.default.fileExists(atPath: harness.linkPath), "the link is removed on a clean stop")
    }

    @Test func linkHasTheDevicePermissionsAndPointsAtThePty() throws {
        let harness = try ProxyHarness()
        defer { harness.cleanUp() }
        let destination = try FileManager.default.destinationOfSymbolicLink(atPath: harness.linkPath)
        #expect(destination == harness.tap.slavePath)
        var device = stat()
        var slave = stat()
        #expect(stat(harness.pair.slavePath, &device) == 0)
        #expect(stat(harness.tap.slavePath, &slave) == 0)
        #expect(device.st_mode & 0o777 == slave.st_mode & 0o777)
        try harness.stop()
    }
}
