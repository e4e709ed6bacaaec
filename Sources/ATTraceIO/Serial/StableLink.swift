#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The stable path an application opens instead of `/dev/pts/N` (capture.md §2.9):
/// created atomically (`symlink` to a temporary name, then `rename` over the path), and
/// removed at exit only while it still points at this tap's pty.
struct StableLink {
    let path: String
    let target: String

    /// Points `path` at `target`, replacing whatever was there (a link left by a killed tap).
    static func create(at path: String, pointingTo target: String) throws(TapError) -> StableLink {
        var status = stat()
        if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFLNK {
            // Never replace a real file or device node with a link.
            throw .cannotCreateLink(path: path, reason: "it exists and is not a symbolic link")
        }
        let temporary = "\(path).attrace-\(getpid())"
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            throw .cannotCreateLink(path: path, reason: SystemCalls.lastErrorDescription)
        }
        guard rename(temporary, path) == 0 else {
            let reason = SystemCalls.lastErrorDescription
            unlink(temporary)
            throw .cannotCreateLink(path: path, reason: reason)
        }
        return StableLink(path: path, target: target)
    }

    /// Removes the link if it still points at this tap's pty (another tap may own it now).
    func remove() {
        guard Self.destination(of: path) == target else { return }
        unlink(path)
    }

    /// Where the symbolic link at `path` points, or `nil`.
    static func destination(of path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
