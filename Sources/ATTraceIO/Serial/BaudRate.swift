#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts between baud rates in bits per second and termios `speed_t` values
/// (capture.md §2.3: the app's speed is mirrored to the device).
///
/// On Linux `speed_t` is a code (`B115200` = 0o010002), so only the standard rates exist
/// without `termios2`; on macOS it is the rate itself.
enum BaudRate {
    #if os(Linux)
    private static let table: [(rate: Int, code: speed_t)] = [
        (0, speed_t(B0)), (50, speed_t(B50)), (75, speed_t(B75)), (110, speed_t(B110)), (134, speed_t(B134)),
        (150, speed_t(B150)), (200, speed_t(B200)), (300, speed_t(B300)), (600, speed_t(B600)),
        (1200, speed_t(B1200)), (1800, speed_t(B1800)), (2400, speed_t(B2400)), (4800, speed_t(B4800)),
        (9600, speed_t(B9600)), (19200, speed_t(B19200)), (38400, speed_t(B38400)), (57600, speed_t(B57600)),
        (115_200, speed_t(B115200)), (230_400, speed_t(B230400)), (460_800, speed_t(B460800)),
        (500_000, speed_t(B500000)), (576_000, speed_t(B576000)), (921_600, speed_t(B921600)),
        (1_000_000, speed_t(B1000000)), (1_152_000, speed_t(B1152000)), (1_500_000, speed_t(B1500000)),
        (2_000_000, speed_t(B2000000)), (2_500_000, speed_t(B2500000)), (3_000_000, speed_t(B3000000)),
        (3_500_000, speed_t(B3500000)), (4_000_000, speed_t(B4000000)),
    ]
    #endif

    /// The `speed_t` for `rate`, or `nil` when the platform cannot set it.
    static func code(for rate: Int) -> speed_t? {
        #if os(Linux)
        return table.first(where: { $0.rate == rate })?.code
        #else
        return rate >= 0 ? speed_t(rate) : nil
        #endif
    }

    /// The rate of a `speed_t`, or `nil` for a code this table does not know.
    static func rate(for code: speed_t) -> Int? {
        #if os(Linux)
        return table.first(where: { $0.code == code })?.rate
        #else
        return Int(code)
        #endif
    }
}
