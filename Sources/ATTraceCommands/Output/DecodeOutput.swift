import ATTraceCore

/// The consumer side of `attrace decode` for one input: the channel filter, the time
/// ordering of the text timeline, and the formatter. `DecodeCommand` runs it; it is public
/// so that `attrace-bench --stages` times exactly what the command does.
public struct DecodeOutput {
    private let isJSON: Bool
    private let channel: UInt32?
    private var text: TextTimelineFormatter
    private var ordered = TimeOrderedBuffer()
    private var json = JSONLinesFormatter()

    init(format: OutputFormat, timeStyle: TextTimelineFormatter.TimeStyle, useColor: Bool, showHex: Bool,
         channel: UInt32?, inputName: String?) {
        isJSON = format == .json
        self.channel = channel
        text = TextTimelineFormatter(timeStyle: timeStyle, useColor: useColor, showHex: showHex)
        json.inputName = inputName
    }

    /// The default output of `attrace decode` (relative times, no color, no hex dumps, every
    /// channel), as text or as JSON Lines.
    public init(json: Bool) {
        self.init(format: json ? .json : .text, timeStyle: .relative, useColor: false, showHex: false,
                  channel: nil, inputName: nil)
    }

    /// Whether the decoder's watermark is needed (only the text timeline reorders).
    public var needsWatermark: Bool { !isJSON }

    /// One decoded record; `origin` is the input's first time, `watermark` the decoder's.
    public mutating func consume(_ record: DecodedRecord, origin: Timestamp?, watermark: Timestamp?,
                                 to out: inout ByteWriter) {
        if isJSON {
            if json.origin == nil { json.origin = origin ?? record.time }
            guard channel == nil || record.channel == channel else { return }
            json.write(record, to: &out)
        } else {
            if text.origin == nil { text.origin = origin ?? record.time }
            guard channel == nil || record.channel == channel else { return }
            ordered.insert(record)
            ordered.release(before: watermark) { text.write($0, to: &out) }
        }
    }

    /// Writes the records still held for time order.
    public mutating func finish(to out: inout ByteWriter) {
        guard !isJSON else { return }
        ordered.release(before: nil) { text.write($0, to: &out) }
    }
}
