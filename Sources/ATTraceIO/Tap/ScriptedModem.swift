#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted fake modem on the far end of a pty pair (capture.md §6): what the tap's tests
/// and the proxy benchmark talk to instead of a real module.
///
/// It answers like an EC25 with V.250 framing, echo on by default:
///
///     AT, ATE0, ATE1          → OK (echo off / on)
///     ATI                     → Quectel / EC25 / Revision: … / OK
///     AT+CSQ                  → +CSQ: 20,99 / OK
///     AT+SINK=<n>             → CONNECT, then swallows exactly n raw bytes, then OK
///     AT+SOURCE=<n>[,<seed>]  → CONNECT, n pseudo-random bytes (``sourceBytes(count:seed:)``), OK
///     AT+URC=<ms>,<text>      → OK, then <text> as a URC after ms milliseconds
///     anything else           → ERROR
///
/// Every byte it receives is kept (``received``), and ``send(_:)`` injects unsolicited
/// bytes from any thread. It runs on a thread of its own until ``stop()``.
public final class ScriptedModem: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = ConditionLock()
    private var receivedBytes: [UInt8] = []
    private var sentBytes: [UInt8] = []
    private var injected: [UInt8] = []
    private var thread: WorkerThread?
    private let wake: (read: Int32, write: Int32)
    private var stopping = false

    // Modem thread only.
    private var echo = true
    private var line: [UInt8] = []
    private var sinkRemaining = 0
    private var outbox = OutgoingBytes()
    private var timers: [(deadline: Int64, bytes: [UInt8])] = []

    /// Serves `descriptor` (made non-blocking; the caller keeps ownership and closes it
    /// after ``stop()``).
    public init(descriptor: Int32, echo: Bool = true) throws(TapError) {
        guard let wake = SystemCalls.makePipe() else {
            throw .system(what: "a pipe", reason: SystemCalls.lastErrorDescription)
        }
        self.descriptor = descriptor
        self.wake = wake
        self.echo = echo
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        thread = try WorkerThread { [self] in serve() }
    }

    deinit {
        stop()
        SystemCalls.closeDescriptor(wake.read)
        SystemCalls.closeDescriptor(wake.write)
    }

    /// Ends the modem thread (once).
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopping = true }
            return !stopping
        }
        if first { poke() }
        thread?.join()
    }

    /// Everything received so far, in order.
    public var received: [UInt8] {
        lock.withLock { receivedBytes }
    }

    /// Everything the modem has sent or queued to send, in order (echo, answers, data, URCs).
    public var sent: [UInt8] {
        lock.withLock { sentBytes }
    }

    /// Sends bytes as the modem, at once (a URC arriving at any time).
    public func send(_ bytes: [UInt8]) {
        lock.withLock { injected.append(contentsOf: bytes) }
        poke()
    }

    /// The bytes `AT+SOURCE=<count>,<seed>` sends: SplitMix64, so tests can recompute them.
    public static func sourceBytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            value ^= value >> 31
            for shift in stride(from: 0, to: 64, by: 8) where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: value >> UInt64(shift))
                index += 1
            }
        }
        return bytes
    }

    private func poke() {
        var byte: UInt8 = 1
        _ = SystemCalls.writeBytes(wake.write, &byte, 1)
    }

    // MARK: - Modem thread

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if lock.withLock({ stopping }) { return }
            let extra = lock.withLock { () -> [UInt8] in
                defer { injected.removeAll() }
                return injected
            }
            if !extra.isEmpty { queue(extra[...]) }
            let now = SystemCalls.monotonicNanoseconds()
            while let index = timers.firstIndex(where: { $0.deadline <= now }) {
                queue(timers.remove(at: index).bytes[...])
            }
            if !outbox.isEmpty && outbox.write(to: descriptor) != nil { return }

            var events = Int32(POLLIN)
            if !outbox.isEmpty { events |= Int32(POLLOUT) }
            var descriptors = [
                pollfd(fd: descriptor, events: Int16(events), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            let nextTimer = timers.map(\.deadline).min().map { max(0, ($0 - now) / 1_000_000 + 1) } ?? 1000
            _ = SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: Int32(min(nextTimer, 1000)))
            if descriptors[1].revents != 0 {
                _ = buffer.withUnsafeMutableBytes { SystemCalls.readBytes(wake.read, $0.baseAddress!, $0.count) }
            }
            if descriptors[0].revents & Int16(POLLIN) != 0 {
                let count = buffer.withUnsafeMutableBytes { SystemCalls.readBytes(descriptor, $0.baseAddress!, $0.count) }
                if count > 0 {
                    let chunk = buffer[0..<count]
                    lock.withLock { receivedBytes.append(contentsOf: chunk) }
                    process(chunk)
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    // The tap closed the device; wait to be stopped without spinning.
                    var idle = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
                    _ = SystemCalls.pollDescriptors(&idle, timeoutMilliseconds: 50)
                }
            } else if descriptors[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                var idle = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
                _ = SystemCalls.pollDescriptors(&idle, timeoutMilliseconds: 50)
            }
        }
    }

    private func process(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if sinkRemaining > 0 {
                let take = min(sinkRemaining, bytes.endIndex - index)
                sinkRemaining -= take
                index += take
                if sinkRemaining == 0 { reply("OK") }
                continue
            }
            let byte = bytes[index]
            index += 1
            if echo { queue([byte][...]) }
            switch byte {
            case 0x0D:
                let command = String(decoding: line, as: UTF8.self)
                line.removeAll()
                execute(command)
            case 0x0A:
                break
            default:
                line.append(byte)
            }
        }
    }

    private func reply(_ text: String) {
        queue(Array("\r\n\(text)\r\n".utf8)[...])
    }

    private func queue(_ bytes: ArraySlice<UInt8>) {
        outbox.append(bytes)
        lock.withLock { sentBytes.append(contentsOf: bytes) }
    }

    private func execute(_ command: String) {
        let upper = command.uppercased()
        guard upper.hasPrefix("AT") else {
            if !command.isEmpty { reply("ERROR") }
            return
        }
        let body = String(upper.dropFirst(2))
        switch body {
        case "":
            reply("OK")
        case "E0", "E1":
            echo = body == "E1"
            reply("OK")
        case "I":
            reply("Quectel\r\nEC25\r\nRevision: EC25EFAR06A09M4G\r\n\r\nOK")
        case "+CSQ":
            reply("+CSQ: 20,99\r\n\r\nOK")
        default:
            if body.hasPrefix("+SINK="), let count = Int(body.dropFirst(6)), count >= 0 {
                reply("CONNECT")
                sinkRemaining = count
                if count == 0 { reply("OK") }
            } else if body.hasPrefix("+SOURCE=") {
                let parameters = body.dropFirst(8).split(separator: ",").compactMap { Int($0) }
                guard let count = parameters.first, count >= 0 else { return reply("ERROR") }
                let seed = UInt64(parameters.count > 1 ? parameters[1] : 1)
                reply("CONNECT")
                queue(Self.sourceBytes(count: count, seed: seed)[...])
                reply("OK")
            } else if body.hasPrefix("+URC=") {
                // The text keeps its case: take it from the original command.
                let original = command.dropFirst(7)
                guard let comma = original.firstIndex(of: ","), let delay = Int(original[..<comma]) else {
                    return reply("ERROR")
                }
                reply("OK")
                let text = original[original.index(after: comma)...]
                timers.append((SystemCalls.monotonicNanoseconds() + Int64(delay) * 1_000_000,
                               Array("\r\n\(text)\r\n".utf8)))
            } else {
                reply("ERROR")
            }
        }
    }
}
