import ATTraceCore
import ATTraceReplay

/// The summary a replay prints at the end (issue 5 §1; Docs/Replay.md "Output"): what was
/// played, each deviation with what the host sent instead, and the verdict that the exit
/// status repeats.
struct ReplayReportFormatter {
    var title: String

    func text(_ report: ReplayReport, role: ReplayRole) -> String {
        var lines = [title]
        let commands = report.recordedCommands
        switch role {
        case .modem:
            let reached = commands - report.count(of: .notReached) - report.count(of: .skippedCommand)
            lines.append("  commands: \(commands) recorded, \(report.exactMatches) sent as recorded, "
                         + "\(report.nameMatches) with another line, \(commands - reached) not sent")
            if report.recordedFrameUnits > 0 {
                lines.append("  CMUX frames: \(report.recordedFrameUnits) host records recorded, "
                             + "\(report.frameMatches) sent as recorded, \(report.count(of: .differentFrames)) different")
            }
            lines.append("  steps played: \(report.stepsPlayed) of \(report.totalSteps); host data-mode bytes: \(report.hostDataBytes)")
        case .host:
            let frames = report.recordedFrameUnits > 0 ? ", \(report.recordedFrameUnits) records of CMUX frames" : ""
            lines.append("  units sent: \(report.stepsPlayed) of \(report.totalSteps) (\(commands) commands\(frames)); "
                         + "unanswered: \(report.count(of: .unanswered))")
            if report.recordedFrameUnits > 0 {
                lines.append("  CMUX frames answered with the recorded byte count: \(report.frameMatches) of \(report.recordedFrameUnits)")
            }
        }
        if !report.deviations.isEmpty {
            lines.append("  deviations:")
            for deviation in report.deviations {
                lines.append("    " + describe(deviation))
            }
        }
        lines.append("  ended: \((report.ending ?? .interrupted).rawValue)")
        return lines.joined(separator: "\n") + "\n"
    }

    func describe(_ deviation: ReplayDeviation) -> String {
        let reference = deviation.transaction.map { "#\($0) " } ?? ""
        let expected = deviation.expected.map { "\(reference)\($0)" } ?? "(end of recording)"
        let received = deviation.received ?? ""
        switch deviation.kind {
        case .unexpectedCommand:
            return "\(deviation.kind.rawValue): the host sent \(received); the recording expected \(expected)"
        case .differentLine:
            return "\(deviation.kind.rawValue): \(expected) — the host sent \(received)"
        case .skippedCommand:
            return "\(deviation.kind.rawValue): \(expected) was passed over"
        case .differentPayload:
            return "\(deviation.kind.rawValue): \(reference)recorded \(deviation.expected ?? "-"), the host sent \(received)"
        case .differentFrames:
            return "\(deviation.kind.rawValue): host \(deviation.expected ?? "-") recorded, the host sent \(received)"
        case .unexpectedEscape:
            return "\(deviation.kind.rawValue): the host sent +++; the recording expected \(expected)"
        case .notReached:
            return "\(deviation.kind.rawValue): \(expected)"
        case .unanswered where deviation.transaction == nil && deviation.received != nil:
            // Frames: the module's answer is awaited by its length.
            return "\(deviation.kind.rawValue): \(expected) expected, \(received) came in time"
        case .unanswered:
            return "\(deviation.kind.rawValue): \(expected) got no final result within its maximum response time"
        }
    }
}
