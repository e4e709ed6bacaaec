#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on stderr for long inputs, only when stderr is a terminal (product.md §2):
/// nothing during the first second, then one self-overwriting line at most 4 times a second.
struct ProgressReporter {
    private let label: String
    private let totalBytes: Int?
    private let isEnabled: Bool
    private var start: Double = 0
    private var lastDraw: Double = 0
    private var drewSomething = false
    private var checkCounter = 0

    init(label: String, path: String, enabled: Bool = StandardStreams.isErrorTerminal) {
        self.label = label
        var info = stat()
        self.totalBytes = path != "-" && stat(path, &info) == 0 ? Int(info.st_size) : nil
        self.isEnabled = enabled
        self.start = Self.now()
    }

    static func disabled() -> ProgressReporter {
        ProgressReporter(label: "", path: "-", enabled: false)
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    mutating func advance(records: Int, bytes: Int) {
        guard isEnabled else { return }
        checkCounter += 1
        guard checkCounter & 0x3FFF == 0 else { return }
        let now = Self.now()
        guard now - start >= 1, now - lastDraw >= 0.25 else { return }
        lastDraw = now
        // Each record carries about 36 bytes of pcap and TLV headers besides its payload.
        let fileBytes = bytes + records * 36
        var line = "\r\(label): \(records) records"
        if let totalBytes, totalBytes > 0 {
            let percent = min(99, fileBytes * 100 / totalBytes)
            line += ", \(percent) %"
        }
        let rate = Double(fileBytes) / 1e6 / (now - start)
        line += ", \(Int(rate)) MB/s   "
        StandardStreams.writeError(line)
        drewSomething = true
    }

    mutating func finish() {
        guard drewSomething else { return }
        StandardStreams.writeError("\r\u{1B}[K")
        drewSomething = false
    }
}
