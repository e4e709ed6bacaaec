import Testing
@testable import ATTraceAnalysis
import ATTraceCore
import ATTraceSimulation

/// The analyzer's memory stays flat (product.md §5): what the caller takes is let go.
@Suite struct AnalyzerMemoryTests {
    /// Regression: taking findings with `while analyzer.hasFindings, let f = analyzer.nextFinding()`
    /// (as `attrace analyze` does) never asked for one more than there were, so the queue was
    /// never emptied and held every finding of the input (peak RSS 24 MB → 45 MB on 1 GB).
    @Test func findingsTakenAsTheyComeAreLetGo() {
        var simulator = SessionSimulator(seed: 100)
        var decoder = ATStreamDecoder()
        var analyzer = Analyzer()
        var taken = 0
        var mostHeld = 0
        for _ in 0..<60_000 {
            guard let record = simulator.next() else { break }
            decoder.feed(record)
            decoder.drainWithWatermarks { decoded, watermark in
                analyzer.consume(decoded, watermark: watermark)
            }
            while analyzer.hasFindings, analyzer.nextFinding() != nil { taken += 1 }
            mostHeld = max(mostHeld, analyzer.heldFindingCount)
        }
        #expect(taken > 100, "the simulated traffic raises findings")
        #expect(mostHeld < 20, "findings already taken are still held: \(mostHeld)")
        #expect(analyzer.heldFindingCount == 0)
    }
}
