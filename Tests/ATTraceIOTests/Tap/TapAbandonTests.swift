#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import ATTraceIO
import Foundation
import Testing

/// A tap built but never run (the session could not start after set-up) gives back what it
/// took: the device's settings, the device itself, and the link.
@Suite struct TapAbandonTests {
    @Test func anAbandonedProxyRestoresTheDeviceAndRemovesTheLink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pair = try PseudoTerminalPair.open()
        defer { pair.close() }
        let devicePath = directory.file("device")
        let linkPath = directory.file("app")
        try FileManager.default.createSymbolicLink(atPath: devicePath, withDestinationPath: pair.slavePath)
        // Settings the tap must change (a cooked line) and then give back.
        var before = termios()
        #expect(tcgetattr(pair.slave, &before) == 0)
        before.c_lflag |= tcflag_t(ICANON | ECHO)
        before.c_oflag |= tcflag_t(OPOST)
        #expect(tcsetattr(pair.slave, TCSANOW, &before) == 0)
        #expect(tcgetattr(pair.slave, &before) == 0)
        #expect(!TerminalSettings(before).isRaw)

        let recorder = try CaptureRecorder(output: CaptureOutput(path: directory.file("cap.pcap"), syncPolicy: .never))
        let tap = try ProxyTap(configuration: ProxyConfiguration(devicePath: devicePath, linkPath: linkPath),
                               recorder: recorder, control: try TapControl())
        var during = termios()
        #expect(tcgetattr(pair.slave, &during) == 0)
        #expect(TerminalSettings(during).isRaw, "the tap puts the device in raw mode")
        #expect(FileManager.default.fileExists(atPath: linkPath))

        tap.abandon()
        _ = recorder.finish()
        var after = termios()
        #expect(tcgetattr(pair.slave, &after) == 0)
        #expect(TerminalSettings(after) == TerminalSettings(before))
        #expect(!FileManager.default.fileExists(atPath: linkPath))
    }
}
