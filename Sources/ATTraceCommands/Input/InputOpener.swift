import ATTraceCore
import ATTraceImport
import ATTraceIO
import ATTraceSimulation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens an input by content (Docs/Import.md "Detection"): pcap and pcapng by their magic
/// number (usbmon link types through the usbmon importer), attrace trace scripts by the
/// `.trace` extension or a first line that is a script directive or comment followed by
/// script rows, and everything else as a text log whose dialect is detected from its first
/// lines. `--from` forces any of them. Anything unreadable or unrecognised is a one-line
/// `CommandFailure` (exit code 2).
enum InputOpener {
    /// Bytes read ahead to recognise the input.
    static let lookAhead = 64 * 1024

    /// - Parameter assigningInferredDirections: give chunks of direction-less logs the
    ///   direction the importer infers (for `convert`: Wireshark needs one).
    static func openSource(_ path: String, options: InputOptions, assigningInferredDirections: Bool = false) throws
        -> RecordSource {
        let importOptions = options.importOptions(assigningInferredDirections: assigningInferredDirections)
        let from = options.from ?? (options.pattern != nil ? LogDialect.regex.id : nil)
        switch from {
        case "attrace-script"?:
            return try openScript(path)
        case "pcap"?:
            return try openCapture(path, prefix: nil, options: options)
        case let id?:
            guard let dialect = LogDialect(rawValue: id) else { throw CommandFailure(ImportError.unknownDialect(id).description) }
            let input = try openInput(path)
            return try openLog(input, dialect: dialect, options: importOptions)
        case nil:
            if path.hasSuffix(".trace") { return try openScript(path) }
            let input = try openInput(path)
            if Self.isCaptureMagic(input.prefix) {
                return try openCapture(path, prefix: input, options: options)
            }
            if Self.looksLikeTraceScript(input.prefix) {
                return try openScript(input)
            }
            return try openLog(input, dialect: nil, options: importOptions)
        }
    }

    // MARK: - Inputs

    /// An open input and the first bytes read from it.
    final class Input {
        let name: String
        let path: String
        let descriptor: Int32
        var prefix: [UInt8]
        private var ownsDescriptor: Bool

        init(name: String, path: String, descriptor: Int32, prefix: [UInt8], ownsDescriptor: Bool) {
            self.name = name
            self.path = path
            self.descriptor = descriptor
            self.prefix = prefix
            self.ownsDescriptor = ownsDescriptor
        }

        deinit {
            if ownsDescriptor { close(descriptor) }
        }

        /// Gives the descriptor to a reader that closes it.
        func handOver() -> (descriptor: Int32, owns: Bool) {
            defer { ownsDescriptor = false }
            return (descriptor, ownsDescriptor)
        }
    }

    private static func openInput(_ path: String) throws -> Input {
        let isStandardInput = path == "-"
        let name = isStandardInput ? "standard input" : path
        let descriptor = isStandardInput ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let input = Input(name: name, path: path, descriptor: descriptor, prefix: [], ownsDescriptor: !isStandardInput)
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            throw CommandFailure("cannot read \(path): \(String(cString: strerror(EISDIR)))")
        }
        var block = [UInt8](repeating: 0, count: lookAhead)
        var filled = 0
        while filled < lookAhead {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, lookAhead - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            filled += count
        }
        input.prefix = Array(block[0..<filled])
        return input
    }

    /// pcap (both byte orders, µs and ns) and pcapng section headers.
    static func isCaptureMagic(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 4 else { return false }
        let magic = Array(prefix[0..<4])
        return [[0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D],
                [0x0A, 0x0D, 0x0D, 0x0A]].contains(magic)
    }

    /// A trace script starts with `@` directives or `#` comments and its first other line
    /// is a row: `<seconds> <direction> <data>`.
    static func looksLikeTraceScript(_ prefix: [UInt8]) -> Bool {
        var sawHeader = false
        for line in prefix.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(200) {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: " ")
            if text.isEmpty { continue }
            if text.hasPrefix("@") || text.hasPrefix("#") {
                sawHeader = true
                if text.hasPrefix("@title") || text.hasPrefix("@start") { return true }
                continue
            }
            guard sawHeader else { return false }
            let fields = text.split(separator: " ", maxSplits: 2)
            return fields.count >= 2 && Double(fields[0]) != nil && ["<", ">", "?", "!"].contains(fields[1])
        }
        return false
    }

    // MARK: - Captures

    private static func openCapture(_ path: String, prefix input: Input?, options: InputOptions) throws -> RecordSource {
        let reader: CaptureReader
        do {
            if path == "-", let input {
                reader = try CaptureReader(file: try spool(input), name: input.name)
            } else {
                reader = try CaptureReader(path: path)
            }
        } catch let error as CaptureError {
            throw CommandFailure("\(error)")
        }
        guard LinkType.isUSBMonitor(reader.linkType) else { return reader }
        do {
            let importer = try USBMonitorImporter(reader: reader, selection: try options.usbSelection(),
                                                  tool: "attrace \(ATTraceCommand.version)")
            let name = reader.name
            importer.onChoice = { choice in
                if let choice {
                    StandardStreams.writeError("attrace: \(name): usbmon: AT port is \(choice)\n")
                }
            }
            return importer
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Standard input that turned out to be a capture: its bytes (the look-ahead, then the
    /// rest) go to an unnamed temporary file libpcap reads, since a pipe cannot be rewound.
    private static func spool(_ input: Input) throws -> UnsafeMutablePointer<FILE> {
        guard let file = tmpfile() else {
            throw CommandFailure("cannot read \(input.name): no temporary file: \(String(cString: strerror(errno)))")
        }
        var block = input.prefix
        while true {
            if !block.isEmpty {
                let written = block.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                guard written == block.count else {
                    fclose(file)
                    throw CommandFailure("cannot read \(input.name): the temporary file cannot be written")
                }
            }
            block = [UInt8](repeating: 0, count: 1 << 16)
            let count = block.withUnsafeMutableBytes { read(input.descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { block = []; continue }
                fclose(file)
                throw CommandFailure("cannot read \(input.name): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            block.removeLast(block.count - count)
        }
        rewind(file)
        return file
    }

    // MARK: - Trace scripts

    private static func openScript(_ path: String) throws -> RecordSource {
        try parseScript(try readText(path), name: path)
    }

    private static func openScript(_ input: Input) throws -> RecordSource {
        var bytes = input.prefix
        let descriptor = input.descriptor
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot read \(input.name): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: block[0..<count])
        }
        return try parseScript(String(decoding: bytes, as: UTF8.self), name: input.path)
    }

    private static func parseScript(_ text: String, name: String) throws -> RecordSource {
        do {
            let script = try TraceScript.parse(text, name: name)
            return RecordListSource(name: name, records: script.records)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    // MARK: - Text logs

    private static func openLog(_ input: Input, dialect: LogDialect?, options: ImportOptions) throws -> RecordSource {
        let (descriptor, owns) = input.handOver()
        let reader = TextLineReader(descriptor: descriptor, ownsDescriptor: owns, prefix: input.prefix, name: input.name)
        // Read ahead the lines detection and self-configuring importers look at.
        var readAhead: [LogLine] = []
        var sample: [LogLine] = []
        while sample.count < DialectDetector.sampleSize, let (number, bytes) = try reader.nextLine() {
            let line = LogLine(number: number, bytes: bytes)
            readAhead.append(line)
            if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { sample.append(line) }
        }
        var detection: DialectDetection?
        let chosen: LogDialect
        if let dialect {
            chosen = dialect
        } else {
            guard let detected = DialectDetector.detect(sample) else {
                throw CommandFailure(ImportError.unrecognized(name: input.name).description)
            }
            detection = detected
            chosen = detected.dialect
        }
        do {
            let importer = try FieldLogImporter(dialect: chosen, options: options, sample: sample,
                                                detection: detection)
            return TextLogSource(name: input.path == "-" ? input.name : input.path, importer: importer, reader: reader,
                                 readAhead: readAhead)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    static func readText(_ path: String) throws -> String {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: block[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
