import ATTraceCore

/// Findings about the input itself: a damaged tail, undecodable module output, recorder
/// loss (product.md §1, §3, §4).
extension Analyzer {
    mutating func diagnosticSeen(_ d: Diagnostic) {
        switch d.code {
        case .truncatedCapture:
            report(Finding(.captureTruncated, time: d.time, frame: d.frame,
                           message: d.message + "; every record before it was decoded", channel: d.channel))
        case .modemGarbage, .overlongLine, .cmuxFrame:
            guard d.direction != .host else { fallthrough }
            // One finding per burst of garbage: a wrong baud rate produces it on every read.
            let time = d.time ?? now ?? Timestamp(nanoseconds: 0)
            defer { lastUndecodable = time }
            if let last = lastUndecodable, time.since(last) < .seconds(10) { return }
            report(Finding(.captureUndecodable, time: d.time, frame: d.frame,
                           message: "module output that fits no grammar (\(d.message)); typical causes: a wrong baud "
                           + "rate, line noise, CMUX or PPP frames on a command channel (later garbage within 10 s is "
                           + "not reported again)",
                           channel: d.channel))
        case .unexpectedLine, .orphanResult, .orphanPayload, .hostGarbage:
            report(Finding(.captureUnexpected, time: d.time, frame: d.frame, message: d.message, channel: d.channel))
        default:
            break
        }
    }

    mutating func recorderEvent(_ e: RecorderEvent) {
        switch e.name {
        case "overrun", "capture_lost":
            var message = "the recorder reports lost data (\(e.name))"
            if let bytes = e["bytes"]?.intValue { message += ": \(bytes) bytes" }
            report(Finding(.captureTruncated, time: e.time, frame: e.frame,
                           message: message + "; decoding around it may be incomplete", channel: e.channel,
                           severity: .warning))
        default:
            break
        }
    }
}
