import Foundation

/// Paths inside the repository, found from this file's location (tests run from anywhere).
enum Repository {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static let samples = root.appendingPathComponent("Samples")

    /// `UPDATE_GOLDENS=1 swift test` rewrites sample captures and expected outputs.
    static var isUpdatingGoldens: Bool {
        ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1"
    }

    /// The `attrace` executable built next to the test bundle.
    static let executable: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for directory in candidates {
            for name in ["attrace", "../attrace"] {
                let url = directory.appendingPathComponent(name).standardized
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        fatalError("the attrace executable was not found next to the tests (\(candidates.map(\.path)))")
    }()
}
