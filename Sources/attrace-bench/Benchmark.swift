import ArgumentParser
import ATTraceCore
import ATTraceIO
import ATTraceSimulation
import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The performance benchmark of product.md §5 (not a timed test): generates a realistic
/// capture, then measures `attrace decode` and `attrace analyze` next to a bare libpcap
/// `pcap_next_ex` loop and `tshark -r` on the same file, each in its own process, and prints
/// MB/s, records/s, peak RSS and the ratios.
@main
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attrace-bench",
        abstract: "Measure attrace's decode and analyze throughput and memory against libpcap and tshark.",
        discussion: """
            Build in release mode first; the numbers of a debug build mean nothing.

            Examples:
              swift build -c release
              .build/release/attrace-bench                    # 100 MB capture, all readers
              .build/release/attrace-bench --size 10 --size 100 --size 1000 --skip-tshark
              .build/release/attrace-bench --input field.pcap --runs 3
            """,
        subcommands: [],
        defaultSubcommand: nil)

    @Option(name: .customLong("size"), help: "Capture size in MB to generate (repeat for several sizes).")
    var sizes: [Int] = []

    @Option(help: "Measure this existing capture instead of generating one.")
    var input: String?

    @Option(help: "Seed of the traffic simulator.")
    var seed: UInt64 = 100

    @Option(help: "Rounds: every reader runs once per round, rounds one after the other; the best (fastest) run of each reader is reported.")
    var runs: Int = 1

    @Flag(help: "Do not run tshark (it needs minutes and gigabytes on large files).")
    var skipTshark = false

    @Option(help: "Directory for generated captures (kept, and reused when the same size and seed exist).")
    var directory: String = "/tmp"

    @Option(help: .hidden)
    var loop: String?

    @Flag(help: "Measure the capture tap instead: throughput and added latency through 'attrace capture proxy' versus a direct pty pair (--size sets the MiB sent each way, default 32).")
    var proxy = false

    @Option(help: ArgumentHelp("Time the decoder and the analyzer in process over this capture (best of 5).", valueName: "capture"))
    var stages: String?

    /// `--stages` repetitions; 1 suits instruction counting (`valgrind --tool=callgrind`).
    @Option(help: .hidden)
    var repetitions = 5

    mutating func run() throws {
        if let stages {
            try StageTimer.run(path: stages, repetitions: repetitions)
            return
        }
        if let loop {
            // Child mode: the bare libpcap loop, measured in its own process.
            let (records, bytes) = try Self.bareLoop(path: loop)
            print("\(records) \(bytes)")
            return
        }
        if proxy {
            try ProxyBenchmark(megabytes: sizes.first ?? 32, pings: 2000, directory: directory,
                               attrace: Self.executableDirectory() + "/attrace").run()
            return
        }
        var files: [String] = []
        if let input {
            files.append(input)
        } else {
            for size in sizes.isEmpty ? [100] : sizes {
                files.append(try generate(megabytes: size))
            }
        }
        for file in files {
            try measure(file)
        }
    }

    // MARK: - Generation

    private func generate(megabytes: Int) throws -> String {
        let path = "\(directory)/attrace-bench-\(megabytes)MB-seed\(seed).pcap"
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) >= megabytes * 1_000_000 {
            FileHandleWriter.error("using existing \(path)\n")
            return path
        }
        FileHandleWriter.error("generating \(path) …\n")
        let started = Self.now()
        let writer = try CaptureWriter(path: path, syncPolicy: .never)
        var simulator = SessionSimulator(seed: seed)
        let target = Int64(megabytes) * 1_000_000
        var fileSize: Int64 = 24
        while fileSize < target, let record = simulator.next() {
            switch record {
            case .chunk(let chunk):
                try writer.write(chunk)
                fileSize += 16 + 20 + Int64(chunk.bytes.count) + (chunk.channel == 0 ? 0 : 16)
            case .event(let event):
                try writer.write(event)
                fileSize += 16 + 64
            case .diagnostic:
                break
            }
        }
        try writer.close()
        FileHandleWriter.error("generated \(writer.recordsWritten) records in \(Format.number(Self.now() - started, decimals: 1, width: 0)) s\n")
        return path
    }

    // MARK: - Measuring

    private struct Measurement {
        var name: String
        var seconds: Double
        var peakRSSKilobytes: Int
        var exitCode: Int32
    }

    private func measure(_ file: String) throws {
        var info = stat()
        guard stat(file, &info) == 0 else { throw ValidationError("cannot read \(file)") }
        let fileBytes = Double(info.st_size)
        let (records, _) = try Self.bareLoop(path: file)
        let directory = Self.executableDirectory()
        let attrace = directory + "/attrace"
        let bench = directory + "/attrace-bench"

        var readers: [(name: String, arguments: [String])] = [
            ("libpcap pcap_next_ex loop", [bench, "--loop", file]),
            ("attrace decode (text)", [attrace, "decode", file]),
            ("attrace decode --format json", [attrace, "decode", "--format", "json", file]),
            ("attrace analyze", [attrace, "analyze", "--fail-on", "never", file]),
        ]
        if !skipTshark, let tshark = Self.which("tshark") {
            readers.append(("tshark -r", [tshark, "-r", file]))
        }
        // Rounds of every reader in turn: a machine whose speed drifts (a shared VM) slows
        // all readers alike instead of whichever ran while it was slow.
        var best: [Measurement?] = Array(repeating: nil, count: readers.count)
        let rounds = max(1, runs)
        for round in 1...rounds {
            if rounds > 1 { FileHandleWriter.error("round \(round) of \(rounds) …\n") }
            for (index, reader) in readers.enumerated() {
                let result = Self.runChild(name: reader.name, reader.arguments)
                if best[index].map({ result.seconds < $0.seconds }) ?? true { best[index] = result }
            }
        }
        let results = best.compactMap { $0 }

        print("")
        print("file: \(file)")
        print("size: \(Format.number(fileBytes / 1e6, decimals: 1, width: 0)) MB, \(records) records")
        print("")
        print("reader                          time s     MB/s      records/s   peak RSS MB   vs tshark   vs libpcap")
        let tsharkTime = results.first(where: { $0.name.hasPrefix("tshark") })?.seconds
        let loopTime = results.first(where: { $0.name.hasPrefix("libpcap") })?.seconds
        for result in results {
            let mbps = fileBytes / 1e6 / result.seconds
            let rps = Double(records) / result.seconds
            let versusTshark = tsharkTime.map { Format.number($0 / result.seconds, decimals: 1, width: 8) + "×" }
                ?? Format.pad("-", 9)
            let versusLoop = loopTime.map { Format.number(100 * $0 / result.seconds, decimals: 1, width: 8) + " %" }
                ?? Format.pad("-", 10)
            let isExpected = result.exitCode == 0 || (result.name.contains("analyze") && result.exitCode == 1)
            let status = isExpected ? "" : "  (exit \(result.exitCode))"
            var line = Format.pad(result.name, 30, left: true)
            line += " " + Format.number(result.seconds, decimals: 3, width: 7)
            line += " " + Format.number(mbps, decimals: 1, width: 8)
            line += " " + Format.number(rps, decimals: 0, width: 14)
            line += " " + Format.number(Double(result.peakRSSKilobytes) / 1024, decimals: 1, width: 13)
            line += "   " + versusTshark + "   " + versusLoop + status
            print(line)
        }
    }

    /// Runs a child with stdout and stderr to /dev/null; wall time and its own peak RSS.
    private static func runChild(name: String, _ arguments: [String]) -> Measurement {
        let started = now()
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        guard spawned == 0 else {
            return Measurement(name: name, seconds: .infinity, peakRSSKilobytes: 0, exitCode: -1)
        }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let elapsed = now() - started
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Measurement(name: name, seconds: elapsed, peakRSSKilobytes: Int(usage.ru_maxrss), exitCode: exitCode)
    }

    /// The bare libpcap loop: `pcap_next_ex` over every record, summing lengths.
    static func bareLoop(path: String) throws -> (records: Int, bytes: Int) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer) else {
            throw ValidationError("cannot open \(path)")
        }
        defer { pcap_close(handle) }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var records = 0
        var bytes = 0
        while pcap_next_ex(handle, &header, &data) == 1 {
            records += 1
            bytes += Int(header!.pointee.caplen)
        }
        return (records, bytes)
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "." }
        let path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    static func which(_ program: String) -> String? {
        guard let pathVariable = getenv("PATH") else { return nil }
        for directory in String(cString: pathVariable).split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

enum FileHandleWriter {
    static func error(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Fixed-width number formatting for the result table.
enum Format {
    static func number(_ value: Double, decimals: Int, width: Int) -> String {
        guard value.isFinite else { return pad("-", width) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        var text = String(Int64(scaled / scale))
        if decimals > 0 {
            var fraction = String(Int64(abs(scaled.truncatingRemainder(dividingBy: scale))))
            while fraction.count < decimals { fraction = "0" + fraction }
            if scaled < 0 && Int64(scaled / scale) == 0 { text = "-" + text }
            text += "." + fraction
        }
        return pad(text, width)
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }
}
