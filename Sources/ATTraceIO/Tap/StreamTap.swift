#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import CSystemShims

/// `attrace capture stdin` (product.md §2, capture.md §5.2 C): raw bytes from a pipe, one
/// record per `read()`, timestamped on arrival. The times are arrival times only (§2.10):
/// bytes written before the tap started arrive as one chunk, which a `timing_unreliable`
/// event points out.
public final class StreamTap: @unchecked Sendable {
    public let direction: Direction
    public private(set) var counters = DirectionCounters()

    private static let readSize = 65_536
    private let descriptor: Int32
    private let recorder: CaptureRecorder
    private let control: TapControl
    private var clock: TapClock

    /// Records the `start` event; `name` is what the start event calls the input.
    public init(descriptor: Int32, name: String, direction: Direction, recorder: CaptureRecorder, control: TapControl,
                tool: String, extraStartFields: [(key: String, value: JSONValue)] = []) {
        self.descriptor = descriptor
        self.direction = direction
        self.recorder = recorder
        self.control = control
        self.clock = TapClock(notBefore: recorder.existingLastTime)
        let fields: [(key: String, value: JSONValue)] = [
            ("tool", .string(tool)),
            ("mode", .string("stdin")),
            ("input", .string(name)),
            ("dir", .string(direction.name)),
            ("timing", .string("arrival")),
            ("clock_offset_ns", .integer(clock.realtimeMinusMonotonic())),
        ]
        let time = clock.now().time
        recorder.submitStart(at: time, fields, extra: extraStartFields)
        var backlog: Int32 = 0
        if attrace_readable_length(descriptor, &backlog) == 0, backlog > 0 {
            recorder.submit(.event(.tap("timing_unreliable", at: time, [
                ("backlog_bytes", .integer(Int64(backlog))),
                ("reason", .string("bytes were waiting before the capture started; they carry one arrival time")),
            ])))
        }
    }

    /// Reads until the end of the input or a stop request; records `stop` last.
    @discardableResult
    public func run() -> String {
        var reason = "end of input"
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 16)
        defer { buffer.deallocate() }
        running: while true {
            var descriptors = [
                pollfd(fd: control.readEnd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            ]
            if SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: 1000) < 0 {
                if errno == EINTR { continue }
                reason = "poll failed: \(SystemCalls.lastErrorDescription)"
                break
            }
            if descriptors[0].revents != 0, let why = control.handleRequests(mark: { text in
                recorder.submit(.event(.tap("mark", at: recorder.stamp(&clock), [("text", .string(text))])))
            }) {
                reason = why
                break running
            }
            guard descriptors[1].revents != 0 else { continue }
            let count = SystemCalls.readBytes(descriptor, buffer.baseAddress!, Self.readSize)
            if count > 0 {
                let time = recorder.stamp(&clock)
                counters.count(count)
                recorder.submit(.chunk(TapChunk(direction: direction, time: time,
                                                bytes: Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count])))))
            } else if count == 0 {
                break
            } else if errno != EAGAIN && errno != EINTR {
                reason = "read failed: \(SystemCalls.lastErrorDescription)"
                break
            }
        }
        recorder.submitWaiting(.event(.tap("stop", at: recorder.stamp(&clock), [
            ("reason", .string(reason)),
            (direction.name, counters.jsonObject),
            ("capture_lost", .object([
                ("records", .integer(Int64(recorder.lostRecords))),
                ("bytes", .integer(Int64(recorder.lostBytes))),
            ])),
        ])))
        return reason
    }
}
