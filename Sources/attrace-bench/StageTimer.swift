import ATTraceAnalysis
import ATTraceCore
import ATTraceIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `attrace-bench --stages FILE`: times the decoder alone, then decoder and analyzer, in
/// process over a capture held in memory, best of several runs, in CPU time of the thread.
/// A busy machine disturbs it less than whole-process wall-clock timings, so it is the
/// measurement to use while optimizing.
enum StageTimer {
    /// CPU seconds used by the calling thread.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `decodeOnly` skips the analyzer (for profiling the decoder alone; also set by the
    /// environment variable `ATTRACE_BENCH_DECODE_ONLY`).
    static func run(path: String, repetitions: Int,
                    decodeOnly: Bool = getenv("ATTRACE_BENCH_DECODE_ONLY") != nil) throws {
        let reader = try CaptureReader(path: path)
        var records: [CaptureRecord] = []
        var bytes = 0
        while let record = reader.next() {
            if case .chunk(let chunk) = record { bytes += chunk.bytes.count }
            records.append(record)
        }
        print("records: \(records.count), serial bytes: \(bytes)")
        var bestDecode = Double.infinity
        var bestAnalyze = Double.infinity
        var produced = 0
        var findings = 0
        for _ in 0..<repetitions {
            var started = Self.now()
            var decoder = ATStreamDecoder()
            produced = 0
            for record in records {
                decoder.feed(record)
                while decoder.nextRecord() != nil { produced += 1 }
            }
            decoder.finish()
            while decoder.nextRecord() != nil { produced += 1 }
            bestDecode = min(bestDecode, Self.now() - started)
            if decodeOnly { continue }

            started = Self.now()
            decoder = ATStreamDecoder()
            var analyzer = Analyzer()
            findings = 0
            for record in records {
                decoder.feed(record)
                guard decoder.hasRecords else { continue }
                let watermark = decoder.watermark
                while let decoded = decoder.nextRecord() {
                    analyzer.consume(decoded, watermark: watermark)
                }
                while analyzer.nextFinding() != nil { findings += 1 }
            }
            decoder.finish()
            while let decoded = decoder.nextRecord() { analyzer.consume(decoded, watermark: nil) }
            analyzer.finish(endTime: nil)
            while analyzer.nextFinding() != nil { findings += 1 }
            bestAnalyze = min(bestAnalyze, Self.now() - started)
        }
        let megabytes = Double(bytes) / 1e6
        print("decode:          \(Int(bestDecode * 1000)) ms CPU, \(Int(megabytes / bestDecode)) MB/s of serial bytes, \(produced) records out")
        guard !decodeOnly else { return }
        print("decode+analyze:  \(Int(bestAnalyze * 1000)) ms CPU, \(Int(megabytes / bestAnalyze)) MB/s, \(findings) findings")
    }
}
