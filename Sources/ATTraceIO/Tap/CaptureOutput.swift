#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where and how a tap writes its capture (product.md §1 crash safety, §2 `--sync`,
/// `--append`; rotation like `tcpdump -C/-G/-W`).
public struct CaptureOutput: Hashable, Sendable {
    /// The capture file; with rotation, the pattern of the parts (see ``partPath(_:)``).
    public var path: String
    public var syncPolicy: SyncPolicy
    /// Append to an existing capture (a torn tail is cut first) instead of replacing it.
    public var append: Bool
    /// Start a new part once the current one holds this many bytes.
    public var rotateBytes: Int64?
    /// Start a new part once the current one is this many seconds old.
    public var rotateSeconds: Int?
    /// Keep only the newest parts, deleting older ones.
    public var keepParts: Int?

    public init(path: String, syncPolicy: SyncPolicy = .everyRecord, append: Bool = false,
                rotateBytes: Int64? = nil, rotateSeconds: Int? = nil, keepParts: Int? = nil) {
        self.path = path
        self.syncPolicy = syncPolicy
        self.append = append
        self.rotateBytes = rotateBytes
        self.rotateSeconds = rotateSeconds
        self.keepParts = keepParts
    }

    public var rotates: Bool { rotateBytes != nil || rotateSeconds != nil }

    /// The file of part `number` (from 1): `cap.pcap` → `cap-000001.pcap`.
    public func partPath(_ number: Int) -> String {
        let (stem, suffix) = splitExtension()
        var digits = String(number)
        while digits.count < 6 { digits = "0" + digits }
        return "\(stem)-\(digits)\(suffix)"
    }

    /// The highest part number already on disk (0 when there is none), so that a restarted
    /// tap continues the numbering instead of overwriting parts.
    func highestExistingPart() -> Int {
        let (stem, suffix) = splitExtension()
        let directory: String
        let prefix: String
        if let slash = stem.lastIndex(of: "/") {
            directory = slash == stem.startIndex ? "/" : String(stem[..<slash])
            prefix = String(stem[stem.index(after: slash)...]) + "-"
        } else {
            directory = "."
            prefix = stem + "-"
        }
        guard let handle = opendir(directory) else { return 0 }
        defer { closedir(handle) }
        var highest = 0
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { continue }
            let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
            if middle.count == 6 || (middle.count > 6 && !middle.hasPrefix("0")), let number = Int(middle) {
                highest = max(highest, number)
            }
        }
        return highest
    }

    private func splitExtension() -> (stem: String, suffix: String) {
        let slash = path.lastIndex(of: "/")
        if let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true, dot != path.startIndex {
            return (String(path[..<dot]), String(path[dot...]))
        }
        return (path, "")
    }
}
