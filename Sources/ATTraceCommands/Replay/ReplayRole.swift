import ArgumentParser
import ATTraceReplay

/// Which side of the serial line a replay plays (product.md §2 `--as`).
enum ReplayRole: String, ExpressibleByArgument, CaseIterable {
    /// Serve a pty and answer the host application like the recorded module.
    case modem
    /// Drive a device with the recorded host side.
    case host
}

extension MismatchPolicy: ExpressibleByArgument {}
