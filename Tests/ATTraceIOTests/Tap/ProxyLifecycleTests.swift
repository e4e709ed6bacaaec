import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// The application's termios changes, its closing and reopening the pty, and the device
/// disappearing and coming back (capture.md §6 cases 3, 4 and 7).
@Suite(.serialized) struct ProxyLifecycleTests {
    @Test func applicationTermiosIsMirroredToTheDevice() throws {
        let harness = try ProxyHarness(echo: false)
        defer { harness.cleanUp() }
        let app = try harness.openApplication()
        defer { app.close() }
        var settings = try #require(TerminalPort.settings(of: app.descriptor))
        try settings.setBaudRate(9600)
        settings.raw.c_cflag |= tcflag_t(CSTOPB)
        #expect(TerminalPort.apply(settings, to: app.descriptor))
        app.write("AT\r")
        #expect(app.read(until: "OK\r\n") == "\r\nOK\r\n")
        // The device (seen through the pair's own slave descriptor) follows: settings first,
        // then the data, so it has changed by the time the command arrived.
        let device = try #require(TerminalPort.settings(of: harness.pair.slave))
        #expect(device.baudRate == 9600)
        #expect(device.stopBits == 2)
        #expect(device.isRaw, "the device stays raw")

        // An application that clears c_lflag (and so EXTPROC) is still followed, by the poll.
        settings.raw.c_lflag = 0
        try settings.setBaudRate(57_600)
        #expect(TerminalPort.apply(settings, to: app.descriptor))
        #expect(Polling.wait { TerminalPort.settings(of: harness.pair.slave)?.baudRate == 57_600 })

        let records = try harness.stop()
        let termios = records.events(named: "termios")
        #expect(termios.count >= 2)
        #expect(termios.first?["app"]?["baud"]?.intValue == 9600)
        #expect(termios.first?["app"]?["stop_bits"]?.intValue == 2)
        #expect(termios.first?["applied"]?["baud"]?.intValue == 9600)
        #expect(termios.last?["applied"]?["baud"]?.intValue == 57_600)
        // The termios event comes before the bytes written after it.
        let termiosIndex = try #require(records.firstIndex { if case .event(let e) = $0 { e.name == "termios" } else { false } })
        let dataIndex = try #require(records.firstIndex { if case .chunk(let c) = $0 { c.direction == .host } else { false } })
        #expect(termiosIndex < dataIndex)
    }

    @Test func applicationCloseAndReopenWithAURCInBetween() throws {
        let harness = try ProxyHarness(echo: false)
        defer { harness.cleanUp() }
        var app = try harness.openApplication()
        app.write("AT\r")
        #expect(app.read(until: "OK\r\n") == "\r\nOK\r\n")
        // Delivered to the pty but never read: a real port discards it on close.
        harness.modem.send(Array("\r\nRING\r\n".utf8))
        #expect(Polling.wait { ((try? harness.records()) ?? []).bytes(.modem).count == 6 + 8 })
        app.close()
        #expect(harness.waitForEvent("app_close"))

        harness.modem.send(Array("\r\n+CREG: 5\r\n".utf8))
        #expect(Polling.wait { ((try? harness.records()) ?? []).bytes(.modem).count == 6 + 8 + 12 },
                "the URC is recorded while the app is closed")

        app = try harness.openApplication()
        defer { app.close() }
        #expect(app.readAvailable(seconds: 0.2).isEmpty, "the reopened app reads nothing stale")
        app.write("AT+CSQ\r")
        #expect(app.read(until: "OK\r\n") == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n", "the dialogue continues")

        let records = try harness.stop()
        #expect(records.events(named: "app_open").count == 2)
        #expect(records.events(named: "app_close").count == 1)
        let reopen = try #require(records.events(named: "app_open").last)
        #expect(reopen["undelivered_bytes"]?.intValue == 12)
        #expect(reopen["undelivered_chunks"]?.intValue == 1)
        let stop = try #require(records.events(named: "stop").first)
        #expect(stop["modem"]?["undelivered_bytes"]?.intValue == 12)
        // The URC sits between app_close and the second app_open.
        let names = records.map { record -> String in
            switch record {
            case .event(let event): event.name
            case .chunk(let chunk): chunk.direction.name
            case .diagnostic: "diagnostic"
            }
        }
        let closeIndex = try #require(names.firstIndex(of: "app_close"))
        let reopenIndex = try #require(names.lastIndex(of: "app_open"))
        #expect(names[(closeIndex + 1)..<reopenIndex].contains("modem"))
    }

    @Test func openWriteCloseFasterThanThePollIsStillRecordedAndForwarded() throws {
        let harness = try ProxyHarness(echo: false)
        defer { harness.cleanUp() }
        for round in 0..<3 {
            let app = try harness.openApplication()
            app.write("AT+X\(round)\r")
            app.close()
        }
        #expect(Polling.wait { harness.modem.received == Array("AT+X0\rAT+X1\rAT+X2\r".utf8) })
        let records = try harness.stop()
        #expect(records.bytes(.host) == Array("AT+X0\rAT+X1\rAT+X2\r".utf8))
        #expect(records.events(named: "app_open").count == records.events(named: "app_close").count)
        #expect(records.events(named: "app_close").count >= 1)
    }

    @Test func applicationCloseDoesNotSpin() throws {
        let harness = try ProxyHarness(echo: false)
        defer { harness.cleanUp() }
        let app = try harness.openApplication()
        app.close()
        #expect(harness.waitForEvent("app_close"))
        // A POLLHUP busy loop would wake thousands of times; timers wake it about 20 times
        // a second. Wait for 20 wake-ups' worth of quiet and compare.
        let before = harness.tap.wakeups
        usleep(300_000)
        let wakeups = harness.tap.wakeups - before
        #expect(wakeups < 100, "the I/O loop woke \(wakeups) times in 0.3 s while the app was closed")
        try harness.stop()
    }

    @Test func deviceLossAndReturn() throws {
        let harness = try ProxyHarness(echo: false)
        defer { harness.cleanUp() }
        let app = try harness.openApplication()
        defer { app.close() }
        app.write("AT\r")
        #expect(app.read(until: "OK\r\n") == "\r\nOK\r\n")

        harness.unplugDevice()
        #expect(harness.waitForEvent("device_gone"))
        try harness.plugNewDevice(echo: false)
        #expect(harness.waitForEvent("device_back"))

        // The application kept its pty open throughout and talks to the new device.
        app.write("AT+CSQ\r")
        #expect(app.read(until: "OK\r\n") == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        let records = try harness.stop()
        #expect(records.events(named: "app_close").isEmpty)
        let back = try #require(records.events(named: "device_back").first)
        #expect(back["termios"]?["raw"] == .bool(true))
    }
}
