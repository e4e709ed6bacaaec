#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore

/// `attrace capture sniff` (product.md §2, capture.md §5.2 B): passive capture from one or
/// two read-only adapters. Each input is opened `O_RDONLY|O_NOCTTY|O_NONBLOCK`, raw, with
/// `CLOCAL` set and `HUPCL` cleared, and never written to. Every read is one record with
/// the input's direction and a per-input sequence number (exported-PDU tag 30), so the
/// analyser can tell each adapter's order apart from the cross-adapter order, which is only
/// as good as the adapters' latency (capture.md §3.2).
public final class SniffTap: @unchecked Sendable {
    public let configuration: SniffConfiguration
    /// Why the two adapters may time their bytes differently (also in the start event).
    public let warnings: [String]

    private final class Input {
        let path: String
        let direction: Direction
        let role: String
        var device: SerialDevice?
        var settings: TerminalSettings
        var sequence: UInt32 = 0
        var counters = DirectionCounters()
        var errorDecoder = LineErrorDecoder()
        var nextReopen: Int64 = 0

        init(_ input: SniffConfiguration.Input, device: SerialDevice, settings: TerminalSettings) {
            path = input.path
            direction = input.direction
            role = input.role
            self.device = device
            self.settings = settings
        }
    }

    private static let readSize = 65_536
    private static let reopenInterval: Int64 = 100_000_000

    private let inputs: [Input]
    private let recorder: CaptureRecorder
    private let control: TapControl
    private var clock: TapClock
    private let readBuffer: UnsafeMutableRawBufferPointer

    /// Opens and configures every input, and records the `start` event.
    public init(configuration: SniffConfiguration, recorder: CaptureRecorder, control: TapControl) throws(TapError) {
        self.configuration = configuration
        self.recorder = recorder
        self.control = control
        var opened: [Input] = []
        var identities: [JSONValue] = []
        var identityList: [DeviceIdentity] = []
        do throws(TapError) {
            for input in configuration.inputs {
                let device = try SerialDevice.open(path: input.path, readOnly: true, exclusive: false)
                opened.append(Input(input, device: device, settings: device.originalSettings))
                let settings = try Self.configure(device, configuration)
                opened[opened.count - 1].settings = settings
                let identity = DeviceIdentity.find(path: input.path)
                identityList.append(identity)
                var fields: [(key: String, value: JSONValue)] = [("role", .string(input.role))]
                if case .object(let identityFields) = identity.jsonObject { fields += identityFields }
                if configuration.lowLatency {
                    fields += DeviceIdentity.requestLowLatency(path: input.path, descriptor: device.descriptor,
                                                               identity: identity)
                }
                fields.append(("termios_before", device.originalSettings.jsonObject))
                identities.append(.object(fields))
            }
        } catch {
            for input in opened {
                input.device?.restore()
                input.device?.close()
            }
            throw error
        }
        var warnings: [String] = []
        if identityList.count == 2, let difference = identityList[0].differences(from: identityList[1]) {
            warnings.append("the two adapters differ (\(difference)): the order of bytes across them is less certain")
        }
        if configuration.inputs.count == 1 {
            warnings.append("one input only: a one-direction monitor of the \(configuration.inputs[0].role) line")
        }
        self.warnings = warnings
        self.inputs = opened
        self.clock = TapClock(notBefore: recorder.existingLastTime)
        self.readBuffer = .allocate(byteCount: Self.readSize, alignment: 16)

        var fields: [(key: String, value: JSONValue)] = [
            ("tool", .string(configuration.tool)),
            ("mode", .string("sniff")),
            ("inputs", .array(identities)),
            ("baud", .integer(Int64(configuration.baudRate))),
            ("parity", .string(configuration.parity.rawValue)),
            ("data_bits", .integer(Int64(configuration.dataBits))),
            ("stop_bits", .integer(Int64(configuration.stopBits))),
            ("mark_errors", .bool(configuration.markErrors)),
            ("clock_offset_ns", .integer(clock.realtimeMinusMonotonic())),
        ]
        if !warnings.isEmpty { fields.append(("warnings", .array(warnings.map { .string($0) }))) }
        recorder.submitStart(at: clock.now().time, fields, extra: configuration.extraStartFields)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Undoes the set-up without sniffing (the session could not start, e.g. the writer
    /// thread could not be created): every input gets its settings back and is closed.
    public func abandon() {
        releaseDevices()
    }

    private func releaseDevices() {
        for input in inputs {
            input.device?.restore()
            input.device?.close()
            input.device = nil
        }
    }

    /// Raw, receiver on, modem lines ignored, no hang-up on close, the line's speed and
    /// character format, optionally error marking.
    private static func configure(_ device: SerialDevice, _ configuration: SniffConfiguration) throws(TapError) -> TerminalSettings {
        var settings = device.originalSettings
        settings.makeRaw()
        settings.setHangUpOnClose(false)
        try settings.setBaudRate(configuration.baudRate)
        settings.setCharacterFormat(dataBits: configuration.dataBits, parity: configuration.parity)
        var stopBits = settings
        stopBits.raw.c_cflag = configuration.stopBits == 2 ? settings.raw.c_cflag | tcflag_t(CSTOPB)
                                                            : settings.raw.c_cflag & ~tcflag_t(CSTOPB)
        settings = stopBits
        if configuration.markErrors { settings.markLineErrors() }
        try device.configure(settings)
        return settings
    }

    /// Reads until a stop is requested; then restores the adapters and records `stop`.
    @discardableResult
    public func run() -> String {
        var reason = "requested"
        var descriptors: [pollfd] = []
        var owners: [Input] = []
        running: while true {
            let now = SystemCalls.monotonicNanoseconds()
            for input in inputs where input.device == nil && now >= input.nextReopen {
                input.nextReopen = now + Self.reopenInterval
                reopen(input)
            }
            descriptors.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            descriptors.append(pollfd(fd: control.readEnd, events: Int16(POLLIN), revents: 0))
            for input in inputs {
                guard let device = input.device else { continue }
                descriptors.append(pollfd(fd: device.descriptor, events: Int16(POLLIN), revents: 0))
                owners.append(input)
            }
            let timeout: Int32 = owners.count < inputs.count ? 100 : 1000
            if SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: timeout) < 0 {
                if errno == EINTR { continue }
                reason = "poll failed: \(SystemCalls.lastErrorDescription)"
                break
            }
            if descriptors[0].revents != 0,
               let why = control.handleRequests(mark: { text in record(event: "mark", [("text", .string(text))]) }) {
                reason = why
                break running
            }
            // In list order, as jpnevulator does; each read gets its own timestamp.
            for (index, input) in owners.enumerated() {
                let events = Int32(descriptors[index + 1].revents)
                if events & Int32(POLLIN) != 0 {
                    read(input)
                } else if events & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 {
                    gone(input, errorNumber: EIO)
                }
            }
        }
        releaseDevices()
        var fields: [(key: String, value: JSONValue)] = [("reason", .string(reason))]
        for input in inputs {
            fields.append((input.direction.name, input.counters.jsonObject))
        }
        fields.append(("capture_lost", .object([
            ("records", .integer(Int64(recorder.lostRecords))),
            ("bytes", .integer(Int64(recorder.lostBytes))),
        ])))
        recorder.submitWaiting(.event(.tap("stop", at: recorder.stamp(&clock), fields)))
        return reason
    }

    private func read(_ input: Input) {
        guard let device = input.device else { return }
        let count = SystemCalls.readBytes(device.descriptor, readBuffer.baseAddress!, Self.readSize)
        if count > 0 {
            let time = stamp()
            let raw = UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])
            var bytes = Array(raw)
            if configuration.markErrors {
                let (clean, marks) = input.errorDecoder.decode(bytes[...])
                bytes = clean
                for event in Self.events(for: marks, input: input.role, at: time) {
                    recorder.submit(.event(event))
                }
            }
            guard !bytes.isEmpty else { return }
            input.sequence &+= 1
            input.counters.count(bytes.count)
            recorder.submit(.chunk(TapChunk(direction: input.direction, time: time, bytes: bytes,
                                            sequence: input.sequence)))
        } else if count == 0 {
            gone(input, errorNumber: EIO)
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            gone(input, errorNumber: errno)
        }
    }

    /// The `break` and `line_error` events for the marks found in one read. They go in
    /// front of the read's clean bytes, so they carry the read's time: a later stamp would
    /// put the chunk after them earlier than they are, and the append scanner cuts a file
    /// at the first record that goes back in time.
    static func events(for marks: [LineErrorDecoder.Mark], input role: String, at time: Timestamp) -> [RecorderEvent] {
        marks.map { mark in
            switch mark {
            case .lineBreak(let offset):
                RecorderEvent.tap("break", at: time, [("input", .string(role)), ("offset", .integer(Int64(offset)))])
            case .error(let byte, let offset):
                RecorderEvent.tap("line_error", at: time, [
                    ("input", .string(role)), ("byte", .integer(Int64(byte))),
                    ("offset", .integer(Int64(offset))),
                ])
            }
        }
    }

    private func gone(_ input: Input, errorNumber: Int32) {
        guard let device = input.device else { return }
        record(event: "device_gone", [
            ("input", .string(input.role)),
            ("device", .string(input.path)),
            ("errno", .integer(Int64(errorNumber))),
            ("error", .string(SystemCalls.describe(errorNumber: errorNumber))),
        ])
        device.close()
        input.device = nil
        input.nextReopen = SystemCalls.monotonicNanoseconds() + Self.reopenInterval
    }

    private func reopen(_ input: Input) {
        guard let device = try? SerialDevice.open(path: input.path, readOnly: true, exclusive: false) else { return }
        guard let settings = try? Self.configure(device, configuration) else {
            device.close()
            return
        }
        input.device = device
        input.settings = settings
        record(event: "device_back", [
            ("input", .string(input.role)),
            ("device", .string(input.path)),
            ("termios", settings.jsonObject),
        ])
    }

    private func stamp() -> Timestamp {
        recorder.stamp(&clock)
    }

    private func record(event name: String, _ fields: [(key: String, value: JSONValue)]) {
        recorder.submit(.event(.tap(name, at: stamp(), fields)))
    }
}
