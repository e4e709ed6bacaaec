import Foundation

/// The real `attrace` executable running in the background (a capture tap), so a test can
/// talk to it, signal it and collect what it printed.
final class BackgroundAttrace: @unchecked Sendable {
    let process = Process()
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private let group = DispatchGroup()
    private var outputData = Data()
    private var errorData = Data()

    init(_ arguments: [String], in directory: URL = Repository.samples, input: FileHandle? = nil) throws {
        process.executableURL = Repository.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        for (pipe, isOutput) in [(outputPipe, true), (errorPipe, false)] {
            group.enter()
            DispatchQueue.global().async { [self] in
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                if isOutput { outputData = data } else { errorData = data }
                group.leave()
            }
        }
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end; returns its exit status (128 + signal when killed).
    func wait(seconds: Double = 30) -> (status: Int32, output: String, error: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(2000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        group.wait()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }
}
