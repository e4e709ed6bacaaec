import Foundation

/// The repository checkout this test file belongs to, found from `#filePath`, so fixtures
/// under `Samples/` are found wherever CI clones the repository.
enum RepositoryRoot {
    static func path(filePath: String = #filePath) -> String {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: filePath).deletingLastPathComponent().path
    }

    /// A file under `Samples/`.
    static func sample(_ relativePath: String) -> String {
        path() + "/Samples/" + relativePath
    }
}
