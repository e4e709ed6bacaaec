#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemShims

/// How a running tap is told to stop or to write a `mark` (product.md §6: SIGTERM and
/// SIGINT stop cleanly). A non-blocking pipe is in the I/O thread's poll set; signal
/// handlers (installed in C, async-signal-safe) and other threads write one byte to it.
public final class TapControl: @unchecked Sendable {
    /// What woke the tap.
    enum Request: Equatable {
        case stop(reason: String)
        case mark(text: String)
    }

    let readEnd: Int32
    private let writeEnd: Int32
    private let lock = ConditionLock()
    private var markTexts: [String] = []
    private var handlersInstalled = false

    private static let stopByte: UInt8 = 0
    private static let markByte: UInt8 = 255

    public init() throws(TapError) {
        guard let ends = SystemCalls.makePipe() else {
            throw .system(what: "a pipe", reason: SystemCalls.lastErrorDescription)
        }
        readEnd = ends.read
        writeEnd = ends.write
    }

    deinit {
        if handlersInstalled { attrace_remove_stop_handlers() }
        SystemCalls.closeDescriptor(readEnd)
        SystemCalls.closeDescriptor(writeEnd)
    }

    /// SIGTERM, SIGINT and SIGHUP stop the tap; SIGUSR1 writes a `mark`; SIGPIPE is ignored
    /// (a live view piped into `head` must not kill the recorder).
    public func installSignalHandlers() {
        handlersInstalled = true
        _ = attrace_install_stop_handlers(writeEnd)
    }

    /// Asks the tap to stop (from any thread).
    public func requestStop() {
        wake(Self.stopByte)
    }

    /// Asks the tap to write a `mark` event with `text` (from any thread).
    public func requestMark(_ text: String) {
        lock.withLock { markTexts.append(text) }
        wake(Self.markByte)
    }

    private func wake(_ byte: UInt8) {
        var value = byte
        _ = SystemCalls.writeBytes(writeEnd, &value, 1)
    }

    /// The requests that arrived since the last call, in order.
    func takeRequests() -> [Request] {
        var requests: [Request] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { SystemCalls.readBytes(readEnd, $0.baseAddress!, $0.count) }
            guard count > 0 else { break }
            for byte in buffer[0..<count] {
                switch Int32(byte) {
                case Int32(Self.stopByte): requests.append(.stop(reason: "requested"))
                case Int32(Self.markByte):
                    let text = lock.withLock { markTexts.isEmpty ? "" : markTexts.removeFirst() }
                    requests.append(.mark(text: text))
                case SIGUSR1: requests.append(.mark(text: "SIGUSR1"))
                case SIGTERM: requests.append(.stop(reason: "SIGTERM"))
                case SIGINT: requests.append(.stop(reason: "SIGINT"))
                case SIGHUP: requests.append(.stop(reason: "SIGHUP"))
                default: requests.append(.stop(reason: "signal \(byte)"))
                }
            }
        }
        return requests
    }

    /// Handles the requests that arrived: marks go to `mark` in order; the reason of the
    /// first stop is returned (the tap then stops, and later requests do not matter).
    func handleRequests(mark: (String) -> Void) -> String? {
        for request in takeRequests() {
            switch request {
            case .stop(let why): return why
            case .mark(let text): mark(text)
            }
        }
        return nil
    }
}
