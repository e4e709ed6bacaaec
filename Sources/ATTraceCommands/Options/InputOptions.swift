import ArgumentParser
import ATTraceImport
import ATTraceIO

/// The inputs of `decode`, `analyze` and `convert`, and how to read them: capture files
/// and trace scripts, the field-log dialects of log-dialects.md, usbmon captures
/// (Docs/Import.md).
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Capture files (pcap, pcapng, usbmon), trace scripts or text logs; '-' reads standard input.",
                                 valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Read the input as this dialect instead of detecting it: \(ImportError.dialectList).",
                               valueName: "dialect"))
    var from: String?

    @Option(help: ArgumentHelp("For --from regex: a pattern with named groups dir, time and data, e.g. '^(?<time>\\S+) (?<dir>TX|RX) (?<data>.*)$'.",
                               valueName: "regex"))
    var pattern: String?

    @Option(name: .customLong("dir-out"), help: ArgumentHelp("The dir value (regex) or arrow (arrow-pair) of host → modem lines.",
                                                             valueName: "value"))
    var directionOut: String?

    @Option(name: .customLong("dir-in"), help: ArgumentHelp("The dir value (regex) or arrow (arrow-pair) of modem → host lines.",
                                                            valueName: "value"))
    var directionIn: String?

    @Option(help: ArgumentHelp("For --from regex: how to read the time group: a format such as '%H:%M:%S.%f' or '%Y-%m-%d %H:%M:%S.%f', or epoch, epoch-ms, epoch-us, s, ms, us (since boot).",
                               valueName: "format"))
    var timeFormat: String?

    @Option(help: ArgumentHelp("For socat logs: which socat address is the host (first: '>' is host → modem).",
                               valueName: "first|second"))
    var hostSide: ImportOptions.HostSide = .first

    @Option(help: ArgumentHelp("For usbmon captures: the modem's bus and device number, as tcpdump prints them (1.5).",
                               valueName: "bus.dev"))
    var usbDevice: String?

    @Option(help: ArgumentHelp("For usbmon captures: the AT port's bulk endpoint number, or OUT,IN when they differ (3,0x84).",
                               valueName: "n"))
    var usbEndpoint: String?

    func validate() throws {
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input ('-') can be read only once")
        }
        if let from, from != "pcap", from != "attrace-script", LogDialect(rawValue: from) == nil {
            throw ValidationError(ImportError.unknownDialect(from).description)
        }
        if from == "regex" && pattern == nil {
            throw ValidationError(ImportError.missingPattern.description)
        }
        if let timeFormat, pattern == nil {
            throw ValidationError("--time-format '\(timeFormat)' applies to --pattern (the regex dialect)")
        }
        do {
            _ = try usbSelection()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The options the text importers take (`convert` also wants inferred directions).
    func importOptions(assigningInferredDirections: Bool = false) -> ImportOptions {
        ImportOptions(pattern: pattern, outgoingMarker: directionOut, incomingMarker: directionIn, timeFormat: timeFormat,
                      hostSide: hostSide, tool: "attrace \(ATTraceCommand.version)",
                      assignsInferredDirections: assigningInferredDirections)
    }

    func usbSelection() throws(USBSelectionError) -> USBSelection {
        try USBSelection(device: usbDevice, endpoint: usbEndpoint)
    }
}

extension ImportOptions.HostSide: ExpressibleByArgument {}
