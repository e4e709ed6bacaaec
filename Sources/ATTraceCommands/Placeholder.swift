import ArgumentParser

public struct ATTraceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "attrace")
    public init() {}
    public func run() async throws {}
}
