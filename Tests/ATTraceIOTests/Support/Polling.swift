import Foundation

/// Waiting for a condition with a deadline instead of sleeping a fixed time: the tap's
/// tests run threads and ptys, and finish as soon as what they wait for has happened.
enum Polling {
    /// Calls `condition` until it is true or `seconds` have passed: every millisecond at
    /// first, backing off to every 20 ms for conditions that take a while.
    @discardableResult
    static func wait(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var interval: UInt32 = 1000
        while Date() < deadline {
            if try condition() { return true }
            usleep(interval)
            interval = min(interval * 2, 20_000)
        }
        return try condition()
    }
}
