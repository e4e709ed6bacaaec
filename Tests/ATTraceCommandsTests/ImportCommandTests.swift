import Foundation
import Testing

/// Field logs and usbmon captures through the real executable: `convert` writes a capture
/// that tshark shows as `Sent`/`Rcvd AT Command` lines, and `decode` reads logs from files
/// and standard input (log-dialects.md; Docs/Import.md).
@Suite(.serialized) struct ImportCommandTests {
    static var tshark: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/tshark"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("attrace-import-\(UUID().uuidString)-\(name)")
    }

    /// tshark's one-line summaries of a capture.
    static func tsharkLines(_ capture: URL) throws -> [String]? {
        guard let tshark else {
            print("tshark is not installed: skipping the Wireshark check of \(capture.lastPathComponent)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-r", capture.path]
        var environment = ProcessInfo.processInfo.environment
        environment["WIRESHARK_CONFIG_DIR"] = FileManager.default.temporaryDirectory.path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: ["logs/modemmanager/session.log", "logs/tinygsm/session.log", "logs/socat/session-x.log",
                      "logs/qnavigator/markdown.log", "usb/ec25-ssl-mmapped.pcap"])
    func convertedLogOpensInWiresharkAsATTraffic(input: String) throws {
        let output = Self.temporary("converted.pcap")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try AttraceProcess.run(["convert", input, "-w", output.path])
        #expect(result.exitCode == 0, "\(result.standardError)")
        guard let lines = try Self.tsharkLines(output) else { return }
        #expect(lines.contains { $0.contains("Sent AT Command") }, "\(input): \(lines.prefix(5))")
        // Directions are known (TinyGSM's are inferred by the importer): the module's lines
        // are received.
        #expect(lines.contains { $0.contains("Rcvd AT Command") }, "\(input): \(lines.prefix(5))")
        #expect(!lines.contains { $0.contains("UnknownDirection") }, "\(input)")
        // The import's start event travels along as an ATTRACE record.
        #expect(lines.first?.contains("ATTRACE") == true)
    }

    @Test func convertedCaptureDecodesLikeTheLog() throws {
        let output = Self.temporary("mbed.pcap")
        defer { try? FileManager.default.removeItem(at: output) }
        let log = "logs/mbed/session.log"
        let converted = try AttraceProcess.run(["convert", log, "-w", output.path])
        #expect(converted.exitCode == 0)
        #expect(converted.standardError.contains("skipped-lines"), "import diagnostics go to standard error")
        let fromLog = try Self.transactions(try AttraceProcess.run(["decode", log, "--format", "json"]))
        let fromCapture = try Self.transactions(try AttraceProcess.run(["decode", output.path, "--format", "json"]))
        #expect(fromLog.count == 9)
        #expect(fromLog == fromCapture)
    }

    /// command, final, status and start time of each transaction.
    static func transactions(_ result: AttraceProcess) throws -> [String] {
        try result.output.split(separator: "\n").compactMap { line -> String? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["type"] as? String == "transaction" else { return nil }
            return [object?["command"], object?["final"], object?["status"], object?["start"]]
                .map { "\($0 ?? "nil")" }.joined(separator: " ")
        }
    }

    @Test func logsAndCapturesFromStandardInput() throws {
        let log = try Data(contentsOf: Repository.samples.appendingPathComponent("logs/ewf/session.log"))
        let fromPipe = try AttraceProcess.run(["decode", "-"], input: log)
        #expect(fromPipe.exitCode == 0)
        #expect(fromPipe.output.contains("\"dialect\":\"ewf\""))
        #expect(fromPipe.output.contains("AT+QSSLSEND=4 → SEND OK"))
        let capture = try Data(contentsOf: Repository.samples.appendingPathComponent("usb/ec25-tcp-legacy.pcap"))
        let usb = try AttraceProcess.run(["decode", "-", "--format", "json"], input: capture)
        #expect(usb.exitCode == 0)
        #expect(usb.output.contains("\"dialect\":\"usbmon\""))
        #expect(usb.standardError.contains("AT port is device 1.5"))
    }

    @Test func regexDialectFromTheCommandLine() throws {
        let input = Self.temporary("uart.txt")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data("boot\n10:00:00.100 TX AT+CSQ\n10:00:00.121 RX +CSQ: 24,99\n10:00:00.122 RX OK\n".utf8).write(to: input)
        let result = try AttraceProcess.run(["decode", input.path, "--pattern", "^(?<time>\\S+) (?<dir>TX|RX) (?<data>.*)$",
                                             "--time-format", "%H:%M:%S.%f"])
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect(result.output.contains("AT+CSQ → OK   22.0 ms"))
        let missing = try AttraceProcess.run(["decode", input.path, "--from", "regex"])
        #expect(missing.exitCode == 2)
        #expect(missing.standardError.contains("--pattern"))
    }
}
