import ATTraceCore
import ATTraceIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The capture tap's benchmark (product.md §5, capture.md §3): pass-through throughput
/// both ways and round-trip latency through `attrace capture proxy`, next to the same
/// measurements on a direct pty pair, in one run; then checks that the capture holds every
/// byte (0 lost).
///
/// Both paths talk to the same scripted modem (``ScriptedModem``) on a pty pair:
///
///     direct:  app ── /dev/pts/N (the pair's slave) ── modem
///     proxy:   app ── link → pty ── attrace capture proxy ── /dev/pts/N ── modem
///
/// Throughput: `AT+SINK=<n>` (app → modem) and `AT+SOURCE=<n>` (modem → app), timed from
/// the first byte to the last. Latency: `AT\r` → `\r\nOK\r\n` with echo off, many times.
struct ProxyBenchmark {
    var megabytes: Int
    var pings: Int
    var directory: String
    var attrace: String

    struct Result {
        var name: String
        var towardModem: Double
        var towardApplication: Double
        var roundTrips: [Double]
        var capture: CaptureCheck?

        func percentile(_ fraction: Double) -> Double {
            let sorted = roundTrips.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
        }
    }

    struct CaptureCheck {
        var hostBytesExact: Bool
        var modemBytesExact: Bool
        var lostRecords: Int
        var droppedBytes: Int
        var records: Int
    }

    enum Failure: Error, CustomStringConvertible {
        case setup(String)
        var description: String {
            switch self {
            case .setup(let message): message
            }
        }
    }

    func run() throws {
        let byteCount = megabytes << 20
        FileHandleWriter.error("proxy benchmark: \(megabytes) MiB each way, \(pings) round trips per path\n")
        let direct = try measure(name: "direct pty pair", byteCount: byteCount, throughProxy: false)
        let proxied = try measure(name: "attrace capture proxy", byteCount: byteCount, throughProxy: true)

        print("")
        print("path                        app→modem MB/s   modem→app MB/s   RTT p50 µs   RTT p99 µs")
        for result in [direct, proxied] {
            var line = Format.pad(result.name, 26, left: true)
            line += "  " + Format.number(result.towardModem, decimals: 1, width: 14)
            line += "   " + Format.number(result.towardApplication, decimals: 1, width: 14)
            line += "   " + Format.number(result.percentile(0.5) * 1e6, decimals: 1, width: 10)
            line += "   " + Format.number(result.percentile(0.99) * 1e6, decimals: 1, width: 10)
            print(line)
        }
        let addedMedian = (proxied.percentile(0.5) - direct.percentile(0.5)) * 1e6
        let addedP99 = (proxied.percentile(0.99) - direct.percentile(0.99)) * 1e6
        print("")
        print("added round-trip latency: median \(Format.number(addedMedian, decimals: 1, width: 0)) µs, "
              + "p99 \(Format.number(addedP99, decimals: 1, width: 0)) µs (two passes through the tap; "
              + "about half of it per direction)")
        if let check = proxied.capture {
            let lost = check.lostRecords == 0 && check.droppedBytes == 0 && check.hostBytesExact && check.modemBytesExact
            print("capture: \(check.records) records; app→modem bytes \(check.hostBytesExact ? "exact" : "DIFFER"), "
                  + "modem→app bytes \(check.modemBytesExact ? "exact" : "DIFFER"), "
                  + "\(check.lostRecords) records lost, \(check.droppedBytes) bytes dropped → "
                  + (lost ? "0 bytes lost" : "LOSS"))
        }
        let slowest = min(proxied.towardModem, proxied.towardApplication)
        print("targets (product.md §5, issue 4): ≥ 50 MB/s: \(slowest >= 50 ? "met" : "NOT met") "
              + "(\(Format.number(slowest, decimals: 1, width: 0)) MB/s); added latency ≤ 100 µs median: "
              + "\(addedMedian <= 100 ? "met" : "NOT met")")
    }

    // MARK: - One path

    private func measure(name: String, byteCount: Int, throughProxy: Bool) throws -> Result {
        let pair = try PseudoTerminalPair.open()
        defer { pair.close() }
        let modem = try ScriptedModem(descriptor: pair.master, echo: false)
        defer { modem.stop() }
        var tapProcess: pid_t = 0
        let link = "\(directory)/attrace-bench-link-\(getpid())"
        let capture = "\(directory)/attrace-bench-proxy-\(getpid()).pcap"
        var applicationPath = pair.slavePath
        if throughProxy {
            tapProcess = try spawn([attrace, "capture", "proxy", "--device", pair.slavePath, "--link", link, "-w", capture])
            guard waitFor(seconds: 10, { access(link, F_OK) == 0 }) else {
                kill(tapProcess, SIGKILL)
                throw Failure.setup("attrace capture proxy did not create \(link)")
            }
            applicationPath = link
        }
        defer {
            // On an error path the tap is still running: do not leave it behind.
            if tapProcess != 0 {
                kill(tapProcess, SIGKILL)
                var status: Int32 = 0
                waitpid(tapProcess, &status, 0)
                unlink(link)
                unlink(capture)
            }
        }
        let port = try TerminalPort.openRaw(applicationPath, nonBlocking: true)
        defer { close(port) }
        // RTS/CTS on the application's port through the proxy: a reader that falls behind
        // then holds the modem back (as a bare pty pair does by itself) instead of losing
        // bytes to an overrun (capture.md §2.8).
        if throughProxy, var settings = TerminalPort.settings(of: port) {
            settings.raw.c_cflag |= tcflag_t(CRTSCTS)
            TerminalPort.apply(settings, to: port)
        }
        var app = Application(descriptor: port)

        FileHandleWriter.error("  \(name): round trips …\n")
        app.send(Array("AT\r".utf8))
        _ = app.receive(until: Array("\r\nOK\r\n".utf8))
        var roundTrips: [Double] = []
        roundTrips.reserveCapacity(pings)
        for _ in 0..<pings {
            let started = Benchmark.now()
            app.send(Array("AT\r".utf8))
            _ = app.receive(until: Array("\r\nOK\r\n".utf8))
            roundTrips.append(Benchmark.now() - started)
        }

        FileHandleWriter.error("  \(name): app → modem …\n")
        let payload = ScriptedModem.sourceBytes(count: byteCount, seed: 11)
        app.send(Array("AT+SINK=\(byteCount)\r".utf8))
        _ = app.receive(until: Array("\r\nCONNECT\r\n".utf8))
        var started = Benchmark.now()
        app.send(payload)
        _ = app.receive(until: Array("\r\nOK\r\n".utf8))
        let towardModem = Double(byteCount) / 1e6 / (Benchmark.now() - started)

        FileHandleWriter.error("  \(name): modem → app …\n")
        let expected = Array("\r\nCONNECT\r\n".utf8) + ScriptedModem.sourceBytes(count: byteCount, seed: 12) + Array("\r\nOK\r\n".utf8)
        started = Benchmark.now()
        app.send(Array("AT+SOURCE=\(byteCount),12\r".utf8))
        let received = app.receive(count: expected.count)
        let towardApplication = Double(byteCount) / 1e6 / (Benchmark.now() - started)
        guard received == expected else {
            throw Failure.setup("\(name): the application received \(received.count) bytes, not the \(expected.count) the modem sent")
        }

        var check: CaptureCheck?
        if throughProxy {
            kill(tapProcess, SIGTERM)
            var status: Int32 = 0
            waitpid(tapProcess, &status, 0)
            tapProcess = 0
            unlink(link)
            check = try checkCapture(capture, sentByApplication: modem.received, sentByModem: modem.sent)
            unlink(capture)
        }
        return Result(name: name, towardModem: towardModem, towardApplication: towardApplication,
                      roundTrips: roundTrips, capture: check)
    }

    /// Reads the capture back: every byte of both directions, and no loss events.
    private func checkCapture(_ path: String, sentByApplication: [UInt8], sentByModem: [UInt8]) throws -> CaptureCheck {
        let reader = try CaptureReader(path: path)
        var host: [UInt8] = []
        var modem: [UInt8] = []
        var lost = 0
        var dropped = 0
        var records = 0
        while let record = reader.next() {
            records += 1
            switch record {
            case .chunk(let chunk):
                if chunk.direction == .host { host += chunk.bytes } else { modem += chunk.bytes }
            case .event(let event):
                if event.name == "capture_lost" { lost += Int(event["records"]?.intValue ?? 0) }
                if event.name == "stop" {
                    dropped += Int(event["host"]?["dropped_bytes"]?.intValue ?? 0)
                    dropped += Int(event["modem"]?["dropped_bytes"]?.intValue ?? 0)
                }
            case .diagnostic:
                lost += 1
            }
        }
        return CaptureCheck(hostBytesExact: host == sentByApplication, modemBytesExact: modem == sentByModem,
                            lostRecords: lost, droppedBytes: dropped, records: records)
    }

    private func spawn(_ arguments: [String]) throws -> pid_t {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        guard result == 0 else { throw Failure.setup("cannot start \(arguments[0]): error \(result)") }
        return pid
    }

    private func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Benchmark.now() + seconds
        while Benchmark.now() < deadline {
            if condition() { return true }
            usleep(1000)
        }
        return condition()
    }

    /// The application side: non-blocking writes and reads on one descriptor.
    private struct Application {
        let descriptor: Int32
        var buffer = [UInt8](repeating: 0, count: 1 << 16)

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        func send(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if written > 0 {
                    offset += written
                } else {
                    var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
                    _ = poll(&descriptors, 1, 100)
                }
            }
        }

        mutating func receive(until suffix: [UInt8]) -> [UInt8] {
            var received: [UInt8] = []
            while received.count < suffix.count || !received.suffix(suffix.count).elementsEqual(suffix) {
                guard readSome(into: &received) else { break }
            }
            return received
        }

        mutating func receive(count: Int) -> [UInt8] {
            var received: [UInt8] = []
            received.reserveCapacity(count)
            while received.count < count {
                guard readSome(into: &received) else { break }
            }
            return received
        }

        /// Waits up to 10 s for bytes; `false` when none came.
        private mutating func readSome(into received: inout [UInt8]) -> Bool {
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 1, 10_000) > 0 else { return false }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { received += buffer[0..<count] }
            return count != 0
        }
    }
}
