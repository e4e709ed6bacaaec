import Foundation

/// Runs the real `attrace` executable, as a user would, and captures its streams.
struct AttraceProcess {
    var standardOutput: Data
    var standardError: String
    var exitCode: Int32

    var output: String { String(decoding: standardOutput, as: UTF8.self) }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL = Repository.samples, input: Data? = nil,
                    environment: [String: String] = [:]) throws -> AttraceProcess {
        let process = Process()
        process.executableURL = Repository.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(input)
            try inputPipe.fileHandleForWriting.close()
        }
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return AttraceProcess(standardOutput: outputData, standardError: String(decoding: errorData, as: UTF8.self),
                              exitCode: process.terminationStatus)
    }
}
