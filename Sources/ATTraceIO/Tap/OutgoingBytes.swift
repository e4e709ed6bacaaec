#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes waiting to be written to a non-blocking descriptor (capture.md §2.8: never a
/// blocking write; a pty takes only about 20 KiB while its reader stalls).
struct OutgoingBytes {
    private var storage: [UInt8] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        storage.append(contentsOf: bytes)
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: false)
        head = 0
    }

    /// Writes as much as the descriptor takes now. Returns `nil` on success (including
    /// "would block"), or the `errno` of a real failure.
    mutating func write(to descriptor: Int32) -> Int32? {
        while head < storage.count {
            let written = storage.withUnsafeBytes { buffer in
                SystemCalls.writeBytes(descriptor, buffer.baseAddress! + head, storage.count - head)
            }
            if written < 0 {
                let failure = errno
                if failure == EINTR { continue }
                if failure == EAGAIN || failure == EWOULDBLOCK { return nil }
                return failure
            }
            head += written
        }
        storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
        head = 0
        return nil
    }
}
