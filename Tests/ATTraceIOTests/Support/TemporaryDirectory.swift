import Foundation

/// A directory of its own for one test (tests run in parallel, so no two share a file
/// name). Remove it with `defer { directory.remove() }`: an explicit call, because Swift
/// may end an object's lifetime right after its last use, before the test is done.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("attrace-io-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String {
        path + "/" + name
    }
}
