// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ATTrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "attrace", targets: ["attrace"]),
        .executable(name: "attrace-bench", targets: ["attrace-bench"]),
        .library(name: "ATTraceCore", targets: ["ATTraceCore"]),
        .library(name: "ATTraceAnalysis", targets: ["ATTraceAnalysis"]),
        .library(name: "ATTraceIO", targets: ["ATTraceIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure: bytes -> lines -> messages -> transactions. No I/O, no clocks, no libpcap.
        .target(name: "ATTraceCore"),
        // Pure: transactions and URCs -> findings. Time comes only from the capture.
        .target(name: "ATTraceAnalysis", dependencies: ["ATTraceCore"]),
        // Pure: scripted and simulated traffic (sample scripts, benchmark sessions).
        .target(name: "ATTraceSimulation", dependencies: ["ATTraceCore"]),
        // The system libpcap (Debian: libpcap-dev).
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap",
                       providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]),
        // All side effects: capture files, serial ports and ptys, replay timing.
        .target(name: "ATTraceIO", dependencies: ["ATTraceCore", "CPcap"]),
        // The command line as a library (one file per subcommand).
        .target(name: "ATTraceCommands", dependencies: [
            "ATTraceCore", "ATTraceAnalysis", "ATTraceIO", "ATTraceSimulation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Entry point only.
        .executableTarget(name: "attrace", dependencies: ["ATTraceCommands"]),
        // Benchmark: generates a realistic capture and measures attrace against a bare
        // libpcap loop and tshark (not a timed test).
        .executableTarget(name: "attrace-bench", dependencies: [
            "ATTraceCore", "ATTraceAnalysis", "ATTraceIO", "ATTraceSimulation", "CPcap",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "ATTraceCoreTests", dependencies: ["ATTraceCore", "ATTraceSimulation"]),
        .testTarget(name: "ATTraceAnalysisTests", dependencies: ["ATTraceAnalysis", "ATTraceSimulation"]),
        .testTarget(name: "ATTraceIOTests", dependencies: ["ATTraceIO", "ATTraceSimulation"]),
        .testTarget(name: "ATTraceCommandsTests", dependencies: ["ATTraceCommands", "ATTraceIO", "ATTraceSimulation"]),
    ],
    swiftLanguageModes: [.v6]
)
