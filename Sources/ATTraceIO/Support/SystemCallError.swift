/// An `errno` value from a failed call, kept until it is turned into a ``CaptureError``.
struct SystemCallError: Error, CustomStringConvertible {
    var errorNumber: Int32

    var description: String {
        SystemCalls.describe(errorNumber: errorNumber)
    }
}

