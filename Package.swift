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
        // Pure: field-log text (log-dialects.md) -> capture records. No I/O.
        .target(name: "ATTraceImport", dependencies: ["ATTraceCore"]),
        // Pure: a capture as a replay plays it; the replayed modem and host state machines.
        .target(name: "ATTraceReplay", dependencies: ["ATTraceCore"]),
        // The system libpcap (Debian: libpcap-dev).
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap",
                       providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]),
        // ioctl, openpty, serial structures and signal handling that Swift cannot import.
        .target(name: "CSystemShims", cSettings: [.define("_GNU_SOURCE")],
                linkerSettings: [.linkedLibrary("util", .when(platforms: [.linux]))]),
        // All side effects: capture files, serial ports and ptys, replay timing.
        .target(name: "ATTraceIO", dependencies: ["ATTraceCore", "CPcap", "CSystemShims", "ATTraceReplay"]),
        // The command line as a library (one file per subcommand).
        .target(name: "ATTraceCommands", dependencies: [
            "ATTraceCore", "ATTraceAnalysis", "ATTraceIO", "ATTraceSimulation", "ATTraceImport", "ATTraceReplay",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Entry point only.
        .executableTarget(name: "attrace", dependencies: ["ATTraceCommands"]),
        // Benchmark: generates a realistic capture and measures attrace against a bare
        // libpcap loop and tshark (not a timed test).
        .executableTarget(name: "attrace-bench", dependencies: [
            "ATTraceCore", "ATTraceAnalysis", "ATTraceIO", "ATTraceSimulation", "ATTraceCommands", "CPcap",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "ATTraceCoreTests", dependencies: ["ATTraceCore", "ATTraceSimulation"]),
        .testTarget(name: "ATTraceAnalysisTests", dependencies: ["ATTraceAnalysis", "ATTraceSimulation"]),
        .testTarget(name: "ATTraceImportTests", dependencies: ["ATTraceImport", "ATTraceCore", "ATTraceSimulation"]),
        .testTarget(name: "ATTraceIOTests", dependencies: ["ATTraceIO", "ATTraceSimulation", "ATTraceReplay"]),
        .testTarget(name: "ATTraceCommandsTests", dependencies: ["ATTraceCommands", "ATTraceIO", "ATTraceSimulation", "ATTraceReplay"]),
        .testTarget(name: "ATTraceReplayTests", dependencies: ["ATTraceReplay", "ATTraceSimulation"]),
    ],
    swiftLanguageModes: [.v6]
)
