import ATTraceCore
import ATTraceIO

/// Feeds one input through the decoder and hands out the decoded records in completion
/// order, with the input's first timestamp (the origin of `rel`).
struct DecodingRun {
    var decoder = ATStreamDecoder()
    /// Consumers that reorder by time (the text timeline, the analyzer) need the decoder's
    /// watermark; computing it costs a little, so JSON output goes without.
    var needsWatermark = true
    private(set) var origin: Timestamp?
    /// Time of the latest record (the end of the input for the analyzer).
    private(set) var lastTime: Timestamp?
    private(set) var recordCount = 0
    private(set) var byteCount = 0

    /// What a consumer may need besides the record itself.
    struct Context {
        /// Time of the input's first record (the origin of `rel`).
        var origin: Timestamp?
        /// No record still to come sorts before this time (see `TimeOrderedBuffer`).
        var watermark: Timestamp?
        /// Serial bytes read so far (bounds what is handed on at once).
        var inputBytes = 0
    }

    mutating func run(_ source: RecordSource, progress: inout ProgressReporter,
                      onRecord: (DecodedRecord, Context) throws -> Void) throws {
        try source.forEachItem { item in
            switch item {
            case .record(let raw):
                if origin == nil { origin = raw.time }
                if let time = raw.time { advance(to: time) }
                recordCount += 1
                switch raw {
                case .chunk(let chunk):
                    byteCount += chunk.bytes.count
                    decoder.feed(chunk.bytes, direction: chunk.direction, channel: chunk.channel,
                                 time: chunk.time, frame: chunk.frame)
                case .event, .diagnostic:
                    decoder.feed(raw.copied())
                }
            case .run(let run):
                if origin == nil { origin = run.marks.first?.time }
                for mark in run.marks { advance(to: mark.time) }
                recordCount += run.marks.count
                byteCount += run.bytes.count
                decoder.feed(run: run.bytes, direction: run.direction, channel: run.channel, marks: run.marks)
            }
            progress.advance(records: recordCount, bytes: byteCount)
            if decoder.hasRecords {
                if needsWatermark {
                    let origin = origin
                    let byteCount = byteCount
                    try decoder.drainWithWatermarks { record, watermark in
                        try onRecord(record, Context(origin: origin, watermark: watermark, inputBytes: byteCount))
                    }
                } else {
                    let context = Context(origin: origin, watermark: nil, inputBytes: byteCount)
                    while let record = decoder.nextRecord() {
                        try onRecord(record, context)
                    }
                }
            }
        }
        decoder.finish()
        while let record = decoder.nextRecord() {
            try onRecord(record, Context(origin: origin, watermark: nil, inputBytes: byteCount))
        }
        progress.finish()
    }

    private mutating func advance(to time: Timestamp) {
        if lastTime.map({ time > $0 }) ?? true { lastTime = time }
    }
}
