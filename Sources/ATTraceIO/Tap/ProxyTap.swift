#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import CSystemShims

/// `attrace capture proxy` (product.md §2, capture.md §5.2 A): a pty pass-through in front
/// of a real tty that records every byte both ways.
///
/// One I/O thread (the caller of ``run()``) polls the device, the pty master, an inotify
/// watch and the control pipe, all non-blocking:
///
///     device readable  → read, stamp, write to the app (or flag undelivered), record
///     master readable  → packet byte 0: check termios, write to the device, record
///                        status byte: termios change, flush or flow event
///     master EIO/HUP   → app_close; master leaves the poll set (no busy loop)
///     inotify / 50 ms  → app_open check
///     every 20 ms      → termios poll, modem lines
///     device EIO/HUP   → device_gone; reopen every 100 ms → device_back
///
/// Bytes are forwarded before they are handed to the ``CaptureRecorder`` (a slow disk never
/// stalls the link). The state belongs to the thread running ``run()``; the counters may be
/// read once it has returned.
public final class ProxyTap: @unchecked Sendable {
    public let configuration: ProxyConfiguration
    /// `/dev/pts/N`, which ``ProxyConfiguration/linkPath`` points at.
    public let slavePath: String
    /// Application → device bytes.
    public private(set) var host = DirectionCounters()
    /// Device → application bytes.
    public private(set) var modem = DirectionCounters()

    private static let readSize = 65_536
    private static let readsPerWakeup = 8
    private static let termiosInterval: Int64 = 20_000_000
    private static let linesInterval: Int64 = 20_000_000
    private static let openCheckInterval: Int64 = 50_000_000
    private static let reopenInterval: Int64 = 100_000_000
    private static let drainTimeout: Int64 = 2_000_000_000

    private let recorder: CaptureRecorder
    private let control: TapControl
    private var clock: TapClock
    private var device: SerialDevice?
    private let pseudoTerminal: PseudoTerminal
    private let link: StableLink
    private let watcher: OpenWatcher
    /// What the tap wants on the device: raw, plus the app's speed, stop bits and RTS/CTS,
    /// plus parity and data bits from the command line.
    private var deviceSettings: TerminalSettings
    private var applicationSettings: TerminalSettings?
    private var applicationOpen = false
    private var toApplication = OutgoingBytes()
    private var toDevice = OutgoingBytes()
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var modemLines: ModemLines?
    private var undeliveredSinceClose = (bytes: 0, chunks: 0)
    /// Bytes dropped in the current overrun episode (the app stopped reading).
    private var overrunBytes = 0
    private var overrunReported = false
    private var nextTermiosCheck: Int64 = 0
    private var nextLinesCheck: Int64 = 0
    private var nextOpenCheck: Int64 = 0
    private var nextReopen: Int64 = 0
    private let statistics = ConditionLock()
    private var loopPasses = 0

    /// Opens the device, creates the pty and the link, and records the `start` event.
    public init(configuration: ProxyConfiguration, recorder: CaptureRecorder, control: TapControl) throws(TapError) {
        self.configuration = configuration
        self.recorder = recorder
        self.control = control
        let holders = SerialDevice.otherHolders(of: configuration.devicePath)
        let device = try SerialDevice.open(path: configuration.devicePath, readOnly: false,
                                           exclusive: configuration.exclusive)
        let identity = DeviceIdentity.find(path: configuration.devicePath)
        var applicationStart = device.originalSettings
        var wanted = device.originalSettings
        wanted.makeRaw()
        do {
            if let rate = configuration.baudRate {
                try applicationStart.setBaudRate(rate)
                try wanted.setBaudRate(rate)
            }
            wanted.setCharacterFormat(dataBits: configuration.dataBits, parity: configuration.parity)
            try device.configure(wanted)
        } catch {
            device.close()
            throw error
        }
        var lowLatency: [(key: String, value: JSONValue)] = []
        if configuration.lowLatency {
            lowLatency = DeviceIdentity.requestLowLatency(path: configuration.devicePath,
                                                          descriptor: device.descriptor, identity: identity)
        }
        let pseudoTerminal: PseudoTerminal
        let link: StableLink
        do throws(TapError) {
            pseudoTerminal = try PseudoTerminal.create(initialSettings: applicationStart,
                                                       permissionsFrom: configuration.devicePath)
            do throws(TapError) {
                link = try StableLink.create(at: configuration.linkPath, pointingTo: pseudoTerminal.slavePath)
            } catch {
                pseudoTerminal.close()
                throw error
            }
        } catch {
            device.restore()
            device.close()
            throw error
        }
        self.device = device
        self.deviceSettings = wanted
        self.pseudoTerminal = pseudoTerminal
        self.slavePath = pseudoTerminal.slavePath
        self.link = link
        self.watcher = OpenWatcher(path: pseudoTerminal.slavePath)
        self.clock = TapClock(notBefore: recorder.existingLastTime)
        self.applicationSettings = pseudoTerminal.settings
        self.readBuffer = .allocate(byteCount: Self.readSize + 1, alignment: 16)
        self.modemLines = device.initialModemLines
        if configuration.followDTR {
            // Without the tap the modem would see DTR low until the application opens the port.
            setHostLines(ModemLines.dataTerminalReady | ModemLines.requestToSend, raised: false, reason: "start")
        }

        var fields: [(key: String, value: JSONValue)] = [
            ("tool", .string(configuration.tool)),
            ("mode", .string("proxy")),
            ("device", .string(configuration.devicePath)),
        ]
        if let real = identity.realPath, real != configuration.devicePath { fields.append(("realpath", .string(real))) }
        fields += [
            ("link", .string(configuration.linkPath)),
            ("pty", .string(pseudoTerminal.slavePath)),
            ("baud", wanted.baudRate.map { .integer(Int64($0)) } ?? .null),
            ("parity", .string(configuration.parity.rawValue)),
            ("data_bits", .integer(Int64(configuration.dataBits))),
            ("device_termios_before", device.originalSettings.jsonObject),
            ("device_termios", wanted.jsonObject),
            ("app_termios", applicationSettings?.jsonObject ?? .null),
            ("modem_lines", device.initialModemLines?.jsonObject ?? .string("unavailable")),
            ("exclusive", .bool(configuration.exclusive)),
            ("dtr", .string(configuration.followDTR ? "follow" : "keep")),
        ]
        if let driver = identity.driver { fields.append(("driver", .string(driver))) }
        if let usb = identity.usbID { fields.append(("usb", .string(usb))) }
        if let latency = identity.latencyTimer { fields.append(("latency_timer_ms", .integer(Int64(latency)))) }
        fields += lowLatency
        if !holders.isEmpty { fields.append(("other_holders", .array(holders.map { .string($0) }))) }
        fields.append(("clock_offset_ns", .integer(clock.realtimeMinusMonotonic())))
        recorder.submitStart(at: clock.now().time, fields, extra: configuration.extraStartFields)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Undoes the set-up without relaying (the session could not start, e.g. the writer
    /// thread could not be created): the device gets its settings back and is closed, and
    /// the link and the pty go away. Nothing is recorded.
    public func abandon() {
        if let device {
            device.restore()
            device.close()
            self.device = nil
        }
        link.remove()
        watcher.close()
        pseudoTerminal.close()
    }

    /// How many times the I/O loop has woken up so far (any thread): a closed application
    /// must not make it spin on `POLLHUP` (capture.md §2.4).
    public var wakeups: Int {
        statistics.withLock { loopPasses }
    }

    /// Other processes that had the device open at start (ModemManager, gpsd, …).
    public var otherHolders: [String] {
        SerialDevice.otherHolders(of: configuration.devicePath)
    }

    // MARK: - The loop

    /// Relays until a stop is requested; then restores the device, removes the link and
    /// records the `stop` event as the last record (product.md §7.15). Returns the reason.
    @discardableResult
    public func run() -> String {
        var reason = "requested"
        var descriptors: [pollfd] = []
        running: while true {
            let now = SystemCalls.monotonicNanoseconds()
            runTimers(now: now)

            descriptors.removeAll(keepingCapacity: true)
            descriptors.append(pollfd(fd: control.readEnd, events: Int16(POLLIN), revents: 0))
            var deviceIndex = -1
            if let device {
                var events: Int32 = 0
                if !holdsDeviceBack { events |= Int32(POLLIN) }
                if !toDevice.isEmpty { events |= Int32(POLLOUT) }
                deviceIndex = descriptors.count
                descriptors.append(pollfd(fd: device.descriptor, events: Int16(events), revents: 0))
            }
            var masterIndex = -1
            if applicationOpen {
                var events: Int32 = 0
                if toDevice.count < configuration.deviceQueueLimit { events |= Int32(POLLIN | POLLPRI) }
                if !toApplication.isEmpty { events |= Int32(POLLOUT) }
                masterIndex = descriptors.count
                descriptors.append(pollfd(fd: pseudoTerminal.master, events: Int16(events), revents: 0))
            }
            var watcherIndex = -1
            if !applicationOpen, let watch = watcher.descriptor {
                watcherIndex = descriptors.count
                descriptors.append(pollfd(fd: watch, events: Int16(POLLIN), revents: 0))
            }

            let timeout = max(0, min(nextTimerDeadline() - SystemCalls.monotonicNanoseconds(), 1_000_000_000))
            let ready = SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: Int32((timeout + 999_999) / 1_000_000))
            statistics.withLock { loopPasses += 1 }
            if ready < 0 {
                if errno == EINTR { continue }
                reason = "poll failed: \(SystemCalls.lastErrorDescription)"
                break
            }
            if descriptors[0].revents != 0,
               let why = control.handleRequests(mark: { text in record(event: "mark", [("text", .string(text))]) }) {
                reason = why
                break running
            }
            if deviceIndex >= 0 {
                let events = Int32(descriptors[deviceIndex].revents)
                if events & Int32(POLLOUT) != 0 { flushToDevice() }
                if events & Int32(POLLIN) != 0 {
                    // A few reads per wake-up (each one its own record) save poll calls
                    // at full speed; the bound keeps the other direction served.
                    var reads = 0
                    while readDevice() && reads < Self.readsPerWakeup && !holdsDeviceBack { reads += 1 }
                } else if events & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 {
                    deviceGone(errorNumber: events & Int32(POLLNVAL) != 0 ? EBADF : EIO)
                }
            }
            if masterIndex >= 0 && applicationOpen {
                let events = Int32(descriptors[masterIndex].revents)
                if events & Int32(POLLOUT) != 0 { flushToApplication() }
                if events & Int32(POLLIN | POLLPRI | POLLHUP | POLLERR) != 0 {
                    var reads = 0
                    while readMaster() && applicationOpen && reads < Self.readsPerWakeup
                        && toDevice.count < configuration.deviceQueueLimit { reads += 1 }
                }
            }
            if watcherIndex >= 0 && descriptors[watcherIndex].revents != 0 {
                checkApplicationOpen(notified: watcher.drain())
            }
        }
        shutDown(reason: reason)
        return reason
    }

    /// Whether the device is left unread because an application that asked for flow
    /// control is not reading (capture.md §2.8).
    private var holdsDeviceBack: Bool {
        applicationOpen && toApplication.count >= configuration.deliveryLimit
            && (applicationSettings?.wantsFlowControl ?? false)
    }

    private func nextTimerDeadline() -> Int64 {
        var deadline = Int64.max
        if applicationOpen { deadline = min(deadline, nextTermiosCheck) } else { deadline = min(deadline, nextOpenCheck) }
        if device != nil, modemLines != nil { deadline = min(deadline, nextLinesCheck) }
        if device == nil { deadline = min(deadline, nextReopen) }
        return deadline
    }

    private func runTimers(now: Int64) {
        if applicationOpen, now >= nextTermiosCheck {
            nextTermiosCheck = now + Self.termiosInterval
            checkTermios(trigger: "poll")
        }
        if !applicationOpen, now >= nextOpenCheck {
            nextOpenCheck = now + Self.openCheckInterval
            checkApplicationOpen(notified: watcher.drain())
        }
        if let device, modemLines != nil, now >= nextLinesCheck {
            nextLinesCheck = now + Self.linesInterval
            if let lines = ModemLines.read(from: device.descriptor), let previous = modemLines, lines != previous {
                modemLines = lines
                record(event: "modem_lines", [
                    ("lines", lines.jsonObject),
                    ("changed", .array(lines.changes(from: previous).map { .string($0) })),
                    ("by", .string("device")),
                ])
            }
        }
        if device == nil, now >= nextReopen {
            nextReopen = now + Self.reopenInterval
            reopenDevice()
        }
    }

    // MARK: - Device → application

    /// Reads one chunk from the device; `true` when bytes came.
    @discardableResult
    private func readDevice() -> Bool {
        guard let device else { return false }
        let count = read(device.descriptor, readBuffer.baseAddress, Self.readSize)
        if count > 0 {
            let time = stamp()
            let bytes = Array(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            var dropped = 0
            if applicationOpen {
                dropped = deliver(bytes)
            } else {
                modem.undeliveredBytes += count
                undeliveredSinceClose.bytes += count
                undeliveredSinceClose.chunks += 1
            }
            modem.count(count)
            recorder.submit(.chunk(TapChunk(direction: .modem, time: time, bytes: bytes)))
            // Events are stamped after the chunk they follow: the file stays in time order.
            if dropped > 0 { recordOverrun(dropped) }
            return true
        } else if count == 0 {
            deviceGone(errorNumber: EIO)
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            deviceGone(errorNumber: errno)
        }
        return false
    }

    /// Writes device bytes to the application now if it takes them, queues the rest, and
    /// drops what does not fit when the application asked for no flow control; returns the
    /// number of bytes dropped.
    private func deliver(_ bytes: [UInt8]) -> Int {
        var offset = 0
        if toApplication.isEmpty {
            let written = bytes.withUnsafeBytes { SystemCalls.writeBytes(pseudoTerminal.master, $0.baseAddress!, $0.count) }
            if written > 0 { offset = written }
        }
        guard offset < bytes.count else { return 0 }
        let remaining = bytes.count - offset
        let flowControlled = applicationSettings?.wantsFlowControl ?? false
        if flowControlled || toApplication.count + remaining <= configuration.deliveryLimit {
            toApplication.append(bytes[offset...])
            return 0
        }
        let room = max(0, configuration.deliveryLimit - toApplication.count)
        if room > 0 { toApplication.append(bytes[offset..<(offset + room)]) }
        return remaining - room
    }

    /// Counts bytes dropped for delivery; the first drop of an episode is recorded at once.
    private func recordOverrun(_ dropped: Int) {
        modem.droppedBytes += dropped
        overrunBytes += dropped
        if !overrunReported {
            overrunReported = true
            record(event: "overrun", [
                ("direction", .string("modem")),
                ("bytes", .integer(Int64(dropped))),
                ("reason", .string("the application is not reading and asked for no flow control")),
            ])
        }
    }

    private func flushToApplication() {
        _ = toApplication.write(to: pseudoTerminal.master)
        if toApplication.isEmpty { endOverrun() }
    }

    /// Records the total of an overrun episode once the application reads again.
    private func endOverrun() {
        guard overrunReported else { return }
        record(event: "overrun", [
            ("direction", .string("modem")),
            ("bytes", .integer(Int64(overrunBytes))),
            ("ended", .bool(true)),
        ])
        overrunReported = false
        overrunBytes = 0
    }

    // MARK: - Application → device

    /// Reads one packet from the master; `true` when something (data or status) came.
    @discardableResult
    private func readMaster() -> Bool {
        let count = read(pseudoTerminal.master, readBuffer.baseAddress, Self.readSize + 1)
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
            // EIO: no application has the slave open and nothing is left to read.
            applicationClosed()
            return false
        }
        if count == 0 {
            applicationClosed()
            return false
        }
        let status = readBuffer[0]
        if status != 0 {
            handlePacketStatus(Int32(status))
            return true
        }
        guard count > 1 else { return true }
        // The application wrote these bytes after its tcsetattr returned: settings first.
        checkTermios(trigger: "data")
        let time = stamp()
        let bytes = Array(UnsafeRawBufferPointer(rebasing: readBuffer[1..<count]))
        if let device {
            if toDevice.isEmpty {
                let written = bytes.withUnsafeBytes { SystemCalls.writeBytes(device.descriptor, $0.baseAddress!, $0.count) }
                if written < bytes.count { toDevice.append(bytes[max(0, written)...]) }
            } else {
                toDevice.append(bytes[...])
            }
        } else {
            host.undeliveredBytes += bytes.count
        }
        host.count(bytes.count)
        recorder.submit(.chunk(TapChunk(direction: .host, time: time, bytes: bytes)))
        return true
    }

    private func flushToDevice() {
        guard let device else { return }
        if let failure = toDevice.write(to: device.descriptor) {
            deviceGone(errorNumber: failure)
        }
    }

    private func handlePacketStatus(_ status: Int32) {
        if status & attrace_packet_ioctl() != 0 {
            checkTermios(trigger: "ioctl")
        }
        let flushBits = status & (attrace_packet_flush_read() | attrace_packet_flush_write())
        if flushBits != 0 {
            record(event: "app_flush", [
                ("read", .bool(flushBits & attrace_packet_flush_read() != 0)),
                ("write", .bool(flushBits & attrace_packet_flush_write() != 0)),
            ])
        }
        var flow: [JSONValue] = []
        if status & attrace_packet_stop() != 0 { flow.append(.string("stop")) }
        if status & attrace_packet_start() != 0 { flow.append(.string("start")) }
        if status & attrace_packet_no_stop() != 0 { flow.append(.string("ixon_off")) }
        if status & attrace_packet_do_stop() != 0 { flow.append(.string("ixon_on")) }
        if !flow.isEmpty {
            record(event: "app_flow", [("flow", .array(flow))])
        }
    }

    // MARK: - Termios mirroring (capture.md §2.3)

    /// Compares the application's settings with the last ones seen; on a change records a
    /// `termios` event and mirrors speed, stop bits and RTS/CTS to the device, after the
    /// bytes already queued at the old speed have left.
    private func checkTermios(trigger: String) {
        guard let current = pseudoTerminal.settings, current != applicationSettings else { return }
        applicationSettings = current
        var applied: JSONValue = .null
        var hangUp = false
        if let device, current.lineSettingsDiffer(from: deviceSettings) {
            drainToDevice(device)
            if current.baudRate == 0 {
                // Speed 0 means "hang up": a real port drops DTR and keeps its speed.
                hangUp = true
            } else {
                var next = deviceSettings
                next.takeLineSettings(from: current)
                do {
                    try device.configure(next)
                    deviceSettings = next
                    applied = next.jsonObject
                } catch {
                    applied = .object([("error", .string(error.description))])
                }
            }
        }
        record(event: "termios", [
            ("trigger", .string(trigger)),
            ("app", current.jsonObject),
            ("applied", applied),
            ("termios_hex", .string(current.hexBytes)),
        ])
        if hangUp && configuration.followDTR {
            setHostLines(ModemLines.dataTerminalReady, raised: false, reason: "speed 0")
        }
    }

    /// Writes everything queued for the device and waits until it has left the port.
    private func drainToDevice(_ device: SerialDevice) {
        let deadline = SystemCalls.monotonicNanoseconds() + Self.drainTimeout
        while !toDevice.isEmpty && SystemCalls.monotonicNanoseconds() < deadline {
            if toDevice.write(to: device.descriptor) != nil { break }
            if !toDevice.isEmpty {
                var descriptors = [pollfd(fd: device.descriptor, events: Int16(POLLOUT), revents: 0)]
                _ = SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: 10)
            }
        }
        device.drainOutput(timeoutNanoseconds: max(0, deadline - SystemCalls.monotonicNanoseconds()))
    }

    // MARK: - Application open and close (capture.md §2.4)

    private func applicationClosed() {
        guard applicationOpen else { return }
        applicationOpen = false
        let dropped = toApplication.count
        modem.droppedBytes += dropped
        toApplication.removeAll()
        // Bytes written to the pty but not read stay in the slave for the next opener;
        // a real port discards them on close.
        pseudoTerminal.discardUndeliveredOutput()
        _ = watcher.drain()
        endOverrun()
        record(event: "app_close", [("dropped_bytes", .integer(Int64(dropped)))])
        undeliveredSinceClose = (0, 0)
        nextOpenCheck = SystemCalls.monotonicNanoseconds() + Self.openCheckInterval
        if configuration.followDTR, applicationSettings?.hangUpOnClose ?? false {
            setHostLines(ModemLines.dataTerminalReady, raised: false, reason: "app_close with hupcl")
        }
    }

    /// Checks the master: no `POLLHUP` means an application has the slave open. `POLLHUP`
    /// with input means it opened, wrote and closed between two checks.
    private func checkApplicationOpen(notified: Bool) {
        let probe = pseudoTerminal.probe()
        if probe.applicationOpen {
            applicationOpened()
        } else if probe.readable {
            applicationOpened()
            var reads = 0
            while applicationOpen && reads < 1024 {
                readMaster()
                reads += 1
            }
        } else if notified {
            applicationOpened()
            applicationClosed()
        }
    }

    private func applicationOpened() {
        guard !applicationOpen else { return }
        applicationOpen = true
        record(event: "app_open", [
            ("undelivered_bytes", .integer(Int64(undeliveredSinceClose.bytes))),
            ("undelivered_chunks", .integer(Int64(undeliveredSinceClose.chunks))),
        ])
        undeliveredSinceClose = (0, 0)
        nextTermiosCheck = SystemCalls.monotonicNanoseconds() + Self.termiosInterval
        checkTermios(trigger: "open")
        if configuration.followDTR {
            setHostLines(ModemLines.dataTerminalReady | ModemLines.requestToSend, raised: true, reason: "app_open")
        }
    }

    // MARK: - Device loss (capture.md §2.9)

    private func deviceGone(errorNumber: Int32) {
        guard let device else { return }
        record(event: "device_gone", [
            ("device", .string(configuration.devicePath)),
            ("errno", .integer(Int64(errorNumber))),
            ("error", .string(SystemCalls.describe(errorNumber: errorNumber))),
        ])
        host.droppedBytes += toDevice.count
        toDevice.removeAll()
        device.close()
        self.device = nil
        nextReopen = SystemCalls.monotonicNanoseconds() + Self.reopenInterval
    }

    private func reopenDevice() {
        guard let reopened = try? SerialDevice.open(path: configuration.devicePath, readOnly: false,
                                                    exclusive: configuration.exclusive) else { return }
        var wanted = reopened.originalSettings
        wanted.makeRaw()
        wanted.takeLineSettings(from: deviceSettings)
        wanted.setCharacterFormat(dataBits: configuration.dataBits, parity: configuration.parity)
        do {
            try reopened.configure(wanted)
        } catch {
            reopened.close()
            return
        }
        device = reopened
        deviceSettings = wanted
        modemLines = reopened.initialModemLines
        record(event: "device_back", [
            ("device", .string(configuration.devicePath)),
            ("termios", wanted.jsonObject),
            ("modem_lines", modemLines?.jsonObject ?? .string("unavailable")),
        ])
        if configuration.followDTR && !applicationOpen {
            setHostLines(ModemLines.dataTerminalReady | ModemLines.requestToSend, raised: false, reason: "device_back")
        }
    }

    // MARK: - Modem lines the tap drives (capture.md §2.5)

    private func setHostLines(_ bits: Int32, raised: Bool, reason: String) {
        guard let device, modemLines != nil else { return }
        guard ModemLines.set(bits, raised: raised, on: device.descriptor),
              let lines = ModemLines.read(from: device.descriptor) else { return }
        let previous = modemLines ?? lines
        modemLines = lines
        record(event: "modem_lines", [
            ("lines", lines.jsonObject),
            ("changed", .array(lines.changes(from: previous).map { .string($0) })),
            ("by", .string("tap")),
            ("reason", .string(reason)),
        ])
    }

    // MARK: - Records

    private func stamp() -> Timestamp {
        recorder.stamp(&clock)
    }

    private func record(event name: String, _ fields: [(key: String, value: JSONValue)]) {
        recorder.submit(.event(.tap(name, at: stamp(), fields)))
    }

    // MARK: - Stop

    private func shutDown(reason: String) {
        // Bytes already written by either side when the stop came are still relayed and
        // recorded, and an application that has just closed is recorded as closed.
        for _ in 0..<64 {
            var progressed = false
            if applicationOpen {
                let probe = pseudoTerminal.probe()
                if probe.readable || !probe.applicationOpen {
                    readMaster()
                    progressed = true
                }
            }
            if let device {
                var descriptors = [pollfd(fd: device.descriptor, events: Int16(POLLIN), revents: 0)]
                if SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: 0) > 0,
                   descriptors[0].revents & Int16(POLLIN) != 0 {
                    readDevice()
                    progressed = true
                }
            }
            if !progressed { break }
        }
        if let device {
            // Bytes the application already wrote still go to the modem.
            drainToDevice(device)
            host.droppedBytes += toDevice.count
            device.restore()
            device.close()
            self.device = nil
        }
        if applicationOpen {
            modem.droppedBytes += toApplication.count
        }
        endOverrun()
        link.remove()
        watcher.close()
        pseudoTerminal.close()
        let time = stamp()
        recorder.submitWaiting(.event(.tap("stop", at: time, [
            ("reason", .string(reason)),
            ("host", host.jsonObject),
            ("modem", modem.jsonObject),
            ("capture_lost", .object([
                ("records", .integer(Int64(recorder.lostRecords))),
                ("bytes", .integer(Int64(recorder.lostBytes))),
            ])),
        ])))
    }
}
