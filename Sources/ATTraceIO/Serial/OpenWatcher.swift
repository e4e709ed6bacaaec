#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells the tap promptly that an application opened the pty (capture.md §2.4): inotify
/// `IN_OPEN` on `/dev/pts/N` fires for opens through the link too. Where inotify is not
/// available the tap falls back to checking the master every 50 ms.
struct OpenWatcher {
    /// Readable when an open happened; `nil` without inotify.
    let descriptor: Int32?

    init(path: String) {
        #if os(Linux)
        let descriptor = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        if descriptor >= 0 && inotify_add_watch(descriptor, path, UInt32(IN_OPEN)) >= 0 {
            self.descriptor = descriptor
        } else {
            if descriptor >= 0 { SystemCalls.closeDescriptor(descriptor) }
            self.descriptor = nil
        }
        #else
        self.descriptor = nil
        #endif
    }

    /// Reads the pending notifications; `true` when there was at least one.
    func drain() -> Bool {
        guard let descriptor else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var sawOpen = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            sawOpen = true
        }
        return sawOpen
    }

    func close() {
        if let descriptor { SystemCalls.closeDescriptor(descriptor) }
    }
}
