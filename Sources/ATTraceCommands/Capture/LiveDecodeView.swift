import ATTraceCore
import ATTraceIO

/// The `--decode` view of a running capture (product.md §2): the same decoder and text
/// timeline as `attrace decode`, fed with each record as soon as it is written.
///
/// It runs on a thread of its own behind a bounded queue, so a slow terminal (or a pager
/// that stopped reading) delays only the view: the recorder never waits for it. Records
/// the view had no room for are skipped, and the view says how many.
final class LiveDecodeView: @unchecked Sendable {
    private struct Item: Sendable {
        var record: TapRecord
        var frame: Int
    }

    private let queue = BoundedQueue<Item>(costLimit: 16 << 20)
    private var thread: WorkerThread?
    private let timeStyle: TextTimelineFormatter.TimeStyle
    private let skipLock = ConditionLock()
    private var skipped = 0

    init(timeStyle: TextTimelineFormatter.TimeStyle) {
        self.timeStyle = timeStyle
    }

    /// What the recorder calls after writing each record (on its writer thread).
    var observer: CaptureRecorder.Observer {
        { [self] record, frame in
            let cost: Int
            if case .chunk(let chunk) = record { cost = chunk.bytes.count + 64 } else { cost = 512 }
            if !queue.offer(Item(record: record, frame: frame), cost: cost) { skipLock.withLock { skipped += 1 } }
        }
    }

    func start() throws(TapError) {
        thread = try WorkerThread { [self] in show() }
    }

    /// Shows what is still queued, finishes the decoder and stops the thread.
    func finish() {
        queue.close()
        thread?.join()
        thread = nil
    }

    private func show() {
        var decoder = ATStreamDecoder()
        var formatter = TextTimelineFormatter(timeStyle: timeStyle, useColor: StandardStreams.colorIsUseful, showHex: false)
        var ordered = TimeOrderedBuffer()
        var out = StandardStreams.outputWriter()
        var reportedSkips = 0
        func release(before watermark: Timestamp?) {
            while let decoded = decoder.nextRecord() {
                ordered.insert(decoded)
            }
            ordered.release(before: watermark) { formatter.write($0, to: &out) }
        }
        while true {
            switch queue.next(timeoutNanoseconds: 200_000_000) {
            case .element(let item):
                if formatter.origin == nil { formatter.origin = item.record.time }
                switch item.record {
                case .chunk(let chunk):
                    chunk.bytes.withUnsafeBytes { bytes in
                        decoder.feed(bytes, direction: chunk.direction, time: chunk.time, frame: item.frame)
                    }
                case .event(var event):
                    event.frame = item.frame
                    decoder.feed(.event(event))
                }
                release(before: decoder.watermark)
            case .timedOut:
                break
            case .finished:
                decoder.finish()
                release(before: nil)
                out.flush()
                return
            }
            let skips = skipLock.withLock { skipped }
            if skips > reportedSkips {
                out.write("[live view: \(skips - reportedSkips) records skipped, the terminal was too slow; the capture has them]\n")
                reportedSkips = skips
            }
            out.flush()
        }
    }
}
