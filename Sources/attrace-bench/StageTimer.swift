import ATTraceAnalysis
import ATTraceCommands
import ATTraceCore
import ATTraceIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `attrace-bench --stages FILE`: times the decoder alone, then the decoder with each
/// consumer (analyzer, text timeline, JSON Lines; output discarded), in process over a
/// capture held in memory, best of several runs, in CPU time of the thread. Subtracting the
/// decoder's time gives the consumer's.
/// A busy machine disturbs it less than whole-process wall-clock timings, so it is the
/// measurement to use while optimizing.
enum StageTimer {
    /// CPU seconds used by the calling thread.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `decodeOnly` skips the consumers (for profiling the decoder alone; also set by the
    /// environment variable `ATTRACE_BENCH_DECODE_ONLY`). `ATTRACE_BENCH_STAGE` set to
    /// `analyze`, `text` or `json` times only that consumer (for profiling it).
    static func run(path: String, repetitions: Int,
                    decodeOnly: Bool = getenv("ATTRACE_BENCH_DECODE_ONLY") != nil) throws {
        let only = getenv("ATTRACE_BENCH_STAGE").map { String(cString: $0) }
        let reader = try CaptureReader(path: path)
        var records = Records()
        while let record = reader.next() {
            records.append(record)
        }
        let bytes = records.runs.byteCount
        print("records: \(records.runs.recordCount), serial bytes: \(bytes)")
        var bestDecode = Double.infinity
        var bestAnalyze = Double.infinity
        var bestText = Double.infinity
        var bestJSON = Double.infinity
        var textBytes = 0
        var jsonBytes = 0
        let origin = records.origin
        var produced = 0
        var findings = 0
        for _ in 0..<repetitions {
            var started = Self.now()
            var decoder = ATStreamDecoder()
            produced = 0
            records.forEach { record in
                record(&decoder)
                while decoder.nextRecord() != nil { produced += 1 }
            }
            decoder.finish()
            while decoder.nextRecord() != nil { produced += 1 }
            bestDecode = min(bestDecode, Self.now() - started)
            if decodeOnly { continue }

            if only == nil || only == "text" {
                started = Self.now()
                textBytes = Self.decodeAndFormat(records, origin: origin, json: false)
                bestText = min(bestText, Self.now() - started)
            }
            if only == nil || only == "json" {
                started = Self.now()
                jsonBytes = Self.decodeAndFormat(records, origin: origin, json: true)
                bestJSON = min(bestJSON, Self.now() - started)
            }
            if only != nil && only != "analyze" { continue }
            started = Self.now()
            decoder = ATStreamDecoder()
            var analyzer = Analyzer()
            findings = 0
            records.forEach { record in
                record(&decoder)
                guard decoder.hasRecords else { return }
                decoder.drainWithWatermarks { decoded, watermark in
                    analyzer.consume(decoded, watermark: watermark)
                }
                while analyzer.hasFindings, analyzer.nextFinding() != nil { findings += 1 }
            }
            decoder.finish()
            while let decoded = decoder.nextRecord() { analyzer.consume(decoded, watermark: nil) }
            analyzer.finish(endTime: nil)
            while analyzer.hasFindings, analyzer.nextFinding() != nil { findings += 1 }
            bestAnalyze = min(bestAnalyze, Self.now() - started)
        }
        let megabytes = Double(bytes) / 1e6
        print("decode:          \(Int(bestDecode * 1000)) ms CPU, \(Int(megabytes / bestDecode)) MB/s of serial bytes, \(produced) records out")
        guard !decodeOnly else { return }
        func line(_ label: String, _ best: Double, _ what: String) {
            guard best.isFinite else { return }
            print(label + "\(Int(best * 1000)) ms CPU (consumer \(Int((best - bestDecode) * 1000)) ms), "
                  + "\(Int(megabytes / best)) MB/s, " + what)
        }
        line("decode+analyze:  ", bestAnalyze, "\(findings) findings")
        line("decode+text:     ", bestText, "\(textBytes) bytes out")
        line("decode+json:     ", bestJSON, "\(jsonBytes) bytes out")
    }

    /// Decodes `records` and formats them as `attrace decode` does, into a writer whose
    /// blocks are counted and dropped; returns the number of bytes written.
    private static func decodeAndFormat(_ records: Records, origin: Timestamp?, json: Bool) -> Int {
        var written = 0
        var out = ByteWriter { written += $0.count }
        var output = DecodeOutput(json: json)
        var decoder = ATStreamDecoder()
        records.forEach { record in
            record(&decoder)
            guard decoder.hasRecords else { return }
            if output.needsWatermark {
                decoder.drainWithWatermarks { decoded, watermark in
                    output.consume(decoded, origin: origin, watermark: watermark, to: &out)
                }
            } else {
                while let decoded = decoder.nextRecord() { output.consume(decoded, origin: origin, watermark: nil, to: &out) }
            }
        }
        decoder.finish()
        while let decoded = decoder.nextRecord() { output.consume(decoded, origin: origin, watermark: nil, to: &out) }
        output.finish(to: &out)
        out.flush()
        return written
    }

    /// A capture in memory as the decoding pipeline hands it to the decoder: serial bytes in
    /// one buffer, consecutive chunks of one direction and channel fed as one run
    /// (``RecordRuns``, as ``PrefetchingSource`` batches them), so that the timings are the
    /// decoder's and not those of copying records.
    struct Records {
        var runs = RecordRuns()
        var origin: Timestamp?

        mutating func append(_ record: CaptureRecord) {
            if origin == nil { origin = record.time }
            record.withRawRecord { runs.append($0) }
        }

        /// Calls `body` with a function that feeds one run or record to a decoder, in order.
        func forEach(_ body: ((inout ATStreamDecoder) -> Void) -> Void) {
            runs.forEachItem { item in
                switch item {
                case .run(let run):
                    body { $0.feed(run: run.bytes, direction: run.direction, channel: run.channel, marks: run.marks) }
                case .record(let record):
                    body { $0.feed(record.copied()) }
                }
            }
        }
    }
}
