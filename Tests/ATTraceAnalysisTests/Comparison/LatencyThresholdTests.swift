import Testing
import ATTraceAnalysis
import ATTraceCore

/// `--latency-threshold`: its spellings, and when a change counts (Docs/Diff.md "Latency").
@Suite struct LatencyThresholdTests {
    @Test(arguments: [
        ("100ms,50%", "100ms,50%"), ("2s", "2000ms"), ("250", "250ms"), ("50%", "50%"), ("1.5s, 20%", "1500ms,20%"),
        ("12.5%", "12.5%"), ("0", "0ms"),
    ])
    func spellings(text: String, canonical: String) {
        #expect(LatencyThreshold(parsing: text)?.description == canonical)
    }

    @Test(arguments: ["", "fast", "10ms,20ms", "5%,6%", "-3ms", "ms", "%", "100ms,"])
    func rejected(text: String) {
        #expect(LatencyThreshold(parsing: text) == nil)
    }

    @Test func bothThresholdsMustBeReached() {
        let threshold = LatencyThreshold.standard  // 100 ms and 50 %
        // 2 ms → 5 ms: +150 % but only 3 ms.
        #expect(!threshold.isExceeded(from: .milliseconds(2), to: .milliseconds(5)))
        // 150 s → 150.2 s: 200 ms but +0.13 %.
        #expect(!threshold.isExceeded(from: .seconds(150), to: .milliseconds(150_200)))
        // 50 ms → 450 ms, and faster by as much.
        #expect(threshold.isExceeded(from: .milliseconds(50), to: .milliseconds(450)))
        #expect(threshold.isExceeded(from: .milliseconds(450), to: .milliseconds(200)))
        // Exactly at both thresholds counts.
        #expect(threshold.isExceeded(from: .milliseconds(200), to: .milliseconds(300)))
        #expect(!threshold.isExceeded(from: .milliseconds(200), to: .milliseconds(299)))
    }

    @Test func aZeroLatencyInAChangesByAnyPercentage() {
        let threshold = LatencyThreshold(absolute: nil, percent: 500)
        #expect(threshold.isExceeded(from: .zero, to: .milliseconds(1)))
        #expect(!threshold.isExceeded(from: .zero, to: .zero))
    }
}
