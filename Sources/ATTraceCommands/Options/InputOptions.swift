import ArgumentParser

/// The inputs of `decode`, `analyze` and `convert`, and how to read them.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Capture files (pcap, pcapng) or text logs; '-' reads standard input.",
                                 valueName: "input"))
    var inputs: [String]

    @Option(help: ArgumentHelp("Read the input as this text-log dialect instead of detecting it.",
                               valueName: "dialect"))
    var from: String?

    func validate() throws {
        if inputs.isEmpty {
            throw ValidationError("give at least one input file (or '-' for standard input)")
        }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input ('-') can be read only once")
        }
    }
}
