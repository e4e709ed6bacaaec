#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ATTraceCore
import ATTraceReplay

/// Runs one replayed side over a non-blocking descriptor (capture.md §5.1: one thread,
/// `poll()`, never a blocking write): the other side's bytes go to the party with the
/// time they were read, the party's bytes are written when it says so.
///
///     poll(control, descriptor, open watch)  ─ timeout: the party's next due time
///     descriptor readable → party.receive(bytes, at: now)  → observer(.other side)
///     party.nextAction    → .send: queue and write          → observer(.own side)
///                         → .finished: flush, then return
///
/// The poll timeout is capped at ``maximumPollInterval`` so that a clock that does not
/// follow real time (a test's manual clock) is looked at again soon.
struct ReplayLoop<Party: ReplayParty> {
    /// Bytes seen on the line: the direction is the side that sent them.
    typealias Observer = (_ direction: Direction, _ bytes: [UInt8]) -> Void

    static var maximumPollInterval: Int32 { 100 }
    static var readSize: Int { 65_536 }

    let descriptor: Int32
    let control: TapControl
    let clock: any ReplayClock
    /// Which side the party plays (its bytes are recorded with this direction).
    let side: Direction
    var party: Party
    /// When set, the party starts only once the watched path is opened.
    var openWatcher: OpenWatcher?
    var observer: Observer?

    /// Why the loop ended.
    enum Ending: Equatable {
        case finished
        case stopped(reason: String)
        case lineFailed(reason: String)
    }

    mutating func run() -> Ending {
        var pending = OutgoingBytes()
        var isStarted = openWatcher?.descriptor == nil
        if isStarted { party.start(at: clock.now()) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 16)
        defer { buffer.deallocate() }
        var isFinished = false
        while true {
            var wake: Timestamp?
            if isStarted && !isFinished {
                acting: while true {
                    switch party.nextAction(at: clock.now()) {
                    case .send(let bytes):
                        pending.append(bytes[...])
                        observer?(side, bytes)
                    case .wait(let until):
                        wake = until
                        break acting
                    case .finished:
                        isFinished = true
                        break acting
                    }
                }
            }
            if let failure = pending.write(to: descriptor) {
                party.interrupt()
                return .lineFailed(reason: "write failed: \(SystemCalls.describe(errorNumber: failure))")
            }
            if isFinished && pending.isEmpty { return .finished }

            var descriptors = [
                pollfd(fd: control.readEnd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: descriptor, events: Int16(POLLIN | (pending.isEmpty ? 0 : POLLOUT)), revents: 0),
            ]
            if !isStarted, let watch = openWatcher?.descriptor {
                descriptors.append(pollfd(fd: watch, events: Int16(POLLIN), revents: 0))
            }
            var timeout = Self.maximumPollInterval
            if let wake {
                let nanoseconds = wake.since(clock.now()).nanoseconds
                timeout = Int32(clamping: min(Int64(timeout), max(0, (nanoseconds + 999_999) / 1_000_000)))
            }
            if SystemCalls.pollDescriptors(&descriptors, timeoutMilliseconds: timeout) < 0 && errno != EINTR {
                party.interrupt()
                return .lineFailed(reason: "poll failed: \(SystemCalls.lastErrorDescription)")
            }
            if descriptors[0].revents != 0 {
                for request in control.takeRequests() {
                    if case .stop(let reason) = request {
                        party.interrupt()
                        return .stopped(reason: reason)
                    }
                }
            }
            if descriptors.count > 2 && descriptors[2].revents != 0 && openWatcher?.drain() == true {
                isStarted = true
                party.start(at: clock.now())
            }
            let events = Int32(descriptors[1].revents)
            if events & Int32(POLLIN) != 0 {
                let count = SystemCalls.readBytes(descriptor, buffer.baseAddress!, Self.readSize)
                if count > 0 {
                    let bytes = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    observer?(side.opposite, bytes)
                    if !isStarted {
                        // Bytes before the open was noticed: the other side is there.
                        isStarted = true
                        party.start(at: clock.now())
                    }
                    party.receive(bytes, at: clock.now())
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    party.interrupt()
                    return .lineFailed(reason: count == 0 ? "the line was closed" : "read failed: \(SystemCalls.lastErrorDescription)")
                }
            } else if events & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 {
                party.interrupt()
                return .lineFailed(reason: "the line hung up")
            }
        }
    }
}
