import ATTraceCore
import ATTraceIO
import Foundation

/// A proxy tap in-process in front of a pty pair with a scripted modem (capture.md §6):
/// `device` is a symbolic link to the pair's slave (so a test can swap the pair to
/// simulate unplugging), the tap runs on its own thread, and the capture is read back
/// from the file.
final class ProxyHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    private(set) var pair: PseudoTerminalPair
    private(set) var modem: ScriptedModem
    let devicePath: String
    let linkPath: String
    let capturePath: String
    let control: TapControl
    let recorder: CaptureRecorder
    let tap: ProxyTap
    private var thread: WorkerThread?
    private(set) var stopReason: String?

    init(echo: Bool = true, output: ((String) -> CaptureOutput)? = nil, queueLimit: Int = 64 << 20,
         configure: (inout ProxyConfiguration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory()
        pair = try PseudoTerminalPair.open()
        modem = try ScriptedModem(descriptor: pair.master, echo: echo)
        devicePath = directory.file("device")
        linkPath = directory.file("app")
        capturePath = directory.file("capture.pcap")
        try FileManager.default.createSymbolicLink(atPath: devicePath, withDestinationPath: pair.slavePath)
        control = try TapControl()
        recorder = try CaptureRecorder(output: output?(capturePath) ?? CaptureOutput(path: capturePath, syncPolicy: .never),
                                       queueLimit: queueLimit)
        var configuration = ProxyConfiguration(devicePath: devicePath, linkPath: linkPath)
        configuration.tool = "attrace test"
        configure(&configuration)
        tap = try ProxyTap(configuration: configuration, recorder: recorder, control: control)
        try recorder.start()
        thread = try WorkerThread { [self] in
            stopReason = tap.run()
        }
    }

    func openApplication() throws -> ApplicationPort {
        try ApplicationPort(path: linkPath)
    }

    /// Replaces the device: the old pair hangs up, a new one with a new modem appears at
    /// the same path.
    func unplugDevice() {
        modem.stop()
        pair.close()
    }

    func plugNewDevice(echo: Bool = true) throws {
        let newPair = try PseudoTerminalPair.open()
        let temporary = devicePath + ".new"
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: newPair.slavePath)
        rename(temporary, devicePath)
        pair = newPair
        modem = try ScriptedModem(descriptor: newPair.master, echo: echo)
    }

    /// Stops the tap, finishes the capture, and returns its records.
    @discardableResult
    func stop() throws -> [CaptureRecord] {
        control.requestStop()
        thread?.join()
        thread = nil
        _ = recorder.finish()
        return try records()
    }

    /// The records written so far.
    func records() throws -> [CaptureRecord] {
        try CaptureFiles.readAll(capturePath)
    }

    /// Waits until the capture holds an event named `name` (at least `count` of them).
    @discardableResult
    func waitForEvent(_ name: String, count: Int = 1, seconds: Double = 10) -> Bool {
        Polling.wait(seconds: seconds) { ((try? records()) ?? []).events(named: name).count >= count }
    }

    func cleanUp() {
        if thread != nil { _ = try? stop() }
        modem.stop()
        pair.close()
        directory.remove()
    }
}

extension Array where Element == CaptureRecord {
    func events(named name: String) -> [RecorderEvent] {
        compactMap { record in
            if case .event(let event) = record, event.name == name { return event }
            return nil
        }
    }

    var events: [RecorderEvent] {
        compactMap { record in
            if case .event(let event) = record { return event }
            return nil
        }
    }

    /// The serial bytes of one direction, concatenated in file order.
    func bytes(_ direction: Direction) -> [UInt8] {
        var bytes: [UInt8] = []
        for case .chunk(let chunk) in self where chunk.direction == direction {
            bytes += chunk.bytes
        }
        return bytes
    }

    var diagnostics: [Diagnostic] {
        compactMap { record in
            if case .diagnostic(let diagnostic) = record { return diagnostic }
            return nil
        }
    }
}
