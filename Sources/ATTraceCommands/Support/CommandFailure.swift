/// An error a command reports as one line on stderr with its exit code (product.md §2:
/// 2 for unreadable or unrecognized input and bad usage).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}
