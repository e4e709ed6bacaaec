import ATTraceCore

/// One record of a capture as the reader's fast path hands it out (product.md §1, §5):
/// like `CaptureRecord`, except that serial bytes are borrowed, not copied.
///
/// The decoder takes the bytes without a copy:
///
///     try reader.forEachRecord { record in
///         switch record {
///         case .chunk(let chunk):
///             decoder.feed(chunk.bytes, direction: chunk.direction, channel: chunk.channel,
///                          time: chunk.time, frame: chunk.frame)
///         case .event, .diagnostic:
///             decoder.feed(record.copied())
///         }
///     }
public enum RawRecord {
    /// Serial bytes, valid only inside the closure that received them.
    case chunk(ChunkView)
    case event(RecorderEvent)
    case diagnostic(Diagnostic)

    public var frame: Int {
        switch self {
        case .chunk(let chunk): chunk.frame
        case .event(let event): event.frame
        case .diagnostic(let diagnostic): diagnostic.frame
        }
    }

    public var time: Timestamp? {
        switch self {
        case .chunk(let chunk): chunk.time
        case .event(let event): event.time
        case .diagnostic(let diagnostic): diagnostic.time
        }
    }

    /// The record as a `CaptureRecord`, with its bytes copied.
    public func copied() -> CaptureRecord {
        switch self {
        case .chunk(let chunk): .chunk(chunk.copied())
        case .event(let event): .event(event)
        case .diagnostic(let diagnostic): .diagnostic(diagnostic)
        }
    }
}

extension CaptureRecord {
    /// Hands the record to `body` as a `RawRecord`, its bytes borrowed rather than copied
    /// (sources that hold records in memory feed the same fast path as the reader).
    public func withRawRecord<Result>(_ body: (RawRecord) throws -> Result) rethrows -> Result {
        switch self {
        case .chunk(let chunk):
            try chunk.bytes.withUnsafeBytes { bytes in
                try body(.chunk(ChunkView(time: chunk.time, frame: chunk.frame, channel: chunk.channel,
                                          direction: chunk.direction, bytes: bytes)))
            }
        case .event(let event):
            try body(.event(event))
        case .diagnostic(let diagnostic):
            try body(.diagnostic(diagnostic))
        }
    }
}
