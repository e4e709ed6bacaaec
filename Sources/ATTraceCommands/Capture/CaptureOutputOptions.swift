import ArgumentParser
import ATTraceCore
import ATTraceIO

/// The capture file options shared by `capture proxy`, `sniff` and `stdin` (product.md
/// §1 crash safety, §2): where to write, when to `fdatasync`, appending, rotation like
/// `tcpdump -C/-G/-W`, and the live decoded view.
struct CaptureOutputOptions: ParsableArguments {
    @Option(name: .customShort("w"), help: ArgumentHelp("The capture file to write.", valueName: "file.pcap"))
    var output: String

    @Option(help: ArgumentHelp(
        "When to fdatasync the capture: record (after every record), MS (at most every MS milliseconds, and when the line goes quiet), never. Every record is flushed to the kernel regardless, so a killed recorder loses nothing.",
        valueName: "record|MS|never"))
    var sync: SyncChoice = SyncChoice(policy: .interval(milliseconds: 100))

    @Flag(help: "Append to an existing capture (a torn tail left by a crash is cut first) instead of replacing it.")
    var append = false

    @Option(name: .customLong("rotate-size"), help: ArgumentHelp(
        "Start a new file when the current one reaches this many megabytes (10^6 bytes). Files are named FILE-000001.pcap, FILE-000002.pcap, …",
        valueName: "MB"))
    var rotateSize: Int?

    @Option(name: .customLong("rotate-time"), help: ArgumentHelp(
        "Start a new file when the current one is this many seconds old.", valueName: "seconds"))
    var rotateTime: Int?

    @Option(help: ArgumentHelp("With rotation, keep only the newest N files.", valueName: "n"))
    var keep: Int?

    @Flag(help: "Also show the conversation live on standard output, decoded as by 'attrace decode'.")
    var decode = false

    func validate() throws {
        if let rotateSize, rotateSize <= 0 { throw ValidationError("--rotate-size must be at least 1 (MB)") }
        if let rotateTime, rotateTime <= 0 { throw ValidationError("--rotate-time must be at least 1 (second)") }
        if let keep, keep <= 0 { throw ValidationError("--keep must be at least 1") }
        if keep != nil && rotateSize == nil && rotateTime == nil {
            throw ValidationError("--keep needs --rotate-size or --rotate-time")
        }
        if append && (rotateSize != nil || rotateTime != nil) {
            throw ValidationError("--append cannot be combined with rotation: a restarted capture continues with the next numbered file")
        }
        if output == "-" {
            throw ValidationError("the capture tap writes to a file, not to standard output ('-')")
        }
    }

    var captureOutput: CaptureOutput {
        CaptureOutput(path: output, syncPolicy: sync.policy, append: append,
                      rotateBytes: rotateSize.map { Int64($0) * 1_000_000 }, rotateSeconds: rotateTime, keepParts: keep)
    }

    /// How the start event describes the output settings.
    var startFields: [(key: String, value: JSONValue)] {
        var fields: [(key: String, value: JSONValue)] = [("file", .string(output)), ("sync", .string(sync.text))]
        if let rotateSize { fields.append(("rotate_size_mb", .integer(Int64(rotateSize)))) }
        if let rotateTime { fields.append(("rotate_time_s", .integer(Int64(rotateTime)))) }
        if let keep { fields.append(("keep", .integer(Int64(keep)))) }
        return fields
    }
}

/// `--sync record|MS|never`.
struct SyncChoice: ExpressibleByArgument {
    var policy: SyncPolicy

    init(policy: SyncPolicy) {
        self.policy = policy
    }

    init?(argument: String) {
        switch argument {
        case "record": policy = .everyRecord
        case "never": policy = .never
        default:
            guard let milliseconds = Int(argument), milliseconds > 0 else { return nil }
            policy = .interval(milliseconds: milliseconds)
        }
    }

    var text: String {
        switch policy {
        case .everyRecord: "record"
        case .never: "never"
        case .interval(let milliseconds): "\(milliseconds) ms"
        }
    }

    var defaultValueDescription: String { text }
}
