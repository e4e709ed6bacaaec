#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import ATTraceReplay

/// `attrace replay CAPTURE --as host --device DEV [-w NEW]` (product.md §2, issue 5 §2):
/// drives a module (or any tty) with the recorded host side and records the new session.
///
/// The device is opened like the capture tap opens one (``SerialDevice``: non-blocking,
/// exclusive, raw, its speed kept) and restored at the end. Every chunk read or written
/// becomes a record of the new capture through ``CaptureRecorder`` (product.md §1 format,
/// `start` and `stop` events included), and of ``session`` for the comparison with the
/// original.
public final class HostReplay: @unchecked Sendable {
    public let devicePath: String
    /// The live session, as capture records (frames from 1; events not included).
    public private(set) var session: [CaptureRecord] = []

    private let device: SerialDevice
    private let recorder: CaptureRecorder?
    private var loop: ReplayLoop<HostDriver>
    private var tapClock: TapClock
    private let startFields: [(key: String, value: JSONValue)]

    /// Opens the device and, with `output`, the new capture.
    public init(driver: HostDriver, devicePath: String, output: CaptureOutput?, control: TapControl,
                clock: any ReplayClock = MonotonicReplayClock(), tool: String,
                startFields: [(key: String, value: JSONValue)] = []) throws(TapError) {
        let recorder = try output.map { output throws(TapError) in try CaptureRecorder(output: output) }
        let device: SerialDevice
        do throws(TapError) {
            device = try SerialDevice.open(path: devicePath, readOnly: false, exclusive: true)
            var settings = device.originalSettings
            settings.makeRaw()
            do throws(TapError) {
                try device.configure(settings)
                try recorder?.start()
            } catch {
                device.close()
                throw error
            }
        } catch {
            if let recorder {
                // A session that never started leaves no empty capture behind.
                _ = recorder.finish()
                unlink(recorder.firstPath)
            }
            throw error
        }
        self.devicePath = devicePath
        self.device = device
        self.recorder = recorder
        self.tapClock = TapClock()
        self.startFields = [
            ("tool", .string(tool)),
            ("mode", .string("replay-host")),
            ("device", .string(devicePath)),
            ("baud", device.settings.baudRate.map { .integer(Int64($0)) } ?? .null),
        ] + startFields
        loop = ReplayLoop(descriptor: device.descriptor, control: control, clock: clock, side: .host, party: driver)
    }

    /// Sends the recording, waits for the answers, and finishes the capture. Returns what
    /// happened and the first failure of the capture file, if any.
    @discardableResult
    public func run() -> (report: ReplayReport, captureFailure: CaptureError?) {
        recorder?.submit(.event(.tap("start", at: tapClock.now().time, startFields)))
        loop.observer = { [unowned self] direction, bytes in record(bytes, from: direction) }
        let ending = loop.run()
        let reason: String
        switch ending {
        case .finished: reason = "end of recording"
        case .stopped(let why): reason = why
        case .lineFailed(let why): reason = why
        }
        recorder?.submitWaiting(.event(.tap("stop", at: tapClock.now().time, [("reason", .string(reason))])))
        let summary = recorder?.finish()
        device.restore()
        device.close()
        return (loop.party.report, summary?.failure)
    }

    private func record(_ bytes: [UInt8], from direction: Direction) {
        let time = tapClock.now().time
        session.append(.chunk(TraceChunk(time: time, frame: session.count + 1, direction: direction, bytes: bytes)))
        recorder?.submit(.chunk(TapChunk(direction: direction, time: time, bytes: bytes)))
    }
}
