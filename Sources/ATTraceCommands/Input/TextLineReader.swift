#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text input line by line through one reusable block, so a large log is never
/// held in memory as a whole (Docs/Import.md). Lines are split at LF; a line longer than
/// ``maximumLineLength`` (a log without line breaks) is handed out in pieces of that size.
final class TextLineReader {
    static let maximumLineLength = 4 << 20
    static let blockSize = 1 << 16

    let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var pending: [UInt8]
    private var head = 0
    private var reachedEnd = false
    private var block = [UInt8](repeating: 0, count: blockSize)
    /// The number of the next line (1-based).
    private(set) var nextNumber = 1

    /// - Parameter prefix: bytes already read from the descriptor (the detection look-ahead).
    init(descriptor: Int32, ownsDescriptor: Bool, prefix: [UInt8], name: String) {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.pending = prefix
        self.name = name
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next line without its LF, with its number; `nil` at the end of the input.
    func nextLine() throws -> (number: Int, bytes: [UInt8])? {
        while true {
            if let newline = pending[head...].firstIndex(of: 0x0A) {
                return take(until: newline, skipping: 1)
            }
            if pending.count - head >= Self.maximumLineLength {
                return take(until: head + Self.maximumLineLength, skipping: 0)
            }
            if reachedEnd {
                guard head < pending.count else { return nil }
                return take(until: pending.count, skipping: 0)
            }
            try fill()
        }
    }

    private func take(until end: Int, skipping separator: Int) -> (number: Int, bytes: [UInt8]) {
        let line = Array(pending[head..<end])
        head = end + separator
        defer { nextNumber += 1 }
        return (nextNumber, line)
    }

    private func fill() throws {
        if head > 0 {
            pending.removeFirst(head)
            head = 0
        }
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                reachedEnd = true
            } else {
                pending.append(contentsOf: block[0..<count])
            }
            return
        }
    }
}
