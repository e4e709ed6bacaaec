/// One command line and everything the module sent in reply to it (product.md §2.1).
public struct Transaction: Hashable, Sendable {
    /// 1-based, in the order the host sent its command lines; the same in `decode` and
    /// `analyze`.
    public var id: Int
    public var channel: UInt32
    /// The command line as sent, without leading line ends and without the terminator.
    public var commandLine: [UInt8]
    /// The commands of the line (`AT+CMEE=1;+CREG?` has two); never empty.
    public var commands: [ATCommand]
    /// For `A/`: the command line it repeated.
    public var repeatedLine: [UInt8]?

    /// Time of the first character of the command line.
    public var start: Timestamp
    /// Time of the command's terminator (`<CR>`).
    public var commandEnd: Timestamp
    /// Time of the last byte that belongs to the transaction; `nil` when unanswered.
    public var end: Timestamp?
    public var final: FinalResult?
    public var status: Status
    /// Information-response lines (a counted response's header included), in order.
    public var responses: [Line]
    /// The module repeated the command line (ATE1).
    public var hasEcho: Bool
    /// When the `> ` prompt arrived, for prompting commands.
    public var promptTime: Timestamp?
    /// Payload the host sent after the prompt or after `CONNECT` (upload).
    public var tx: Payload?
    /// Counted data in the response (`+QSSLRECV: 18` + 18 bytes, a `CONNECT` download).
    public var rx: Payload?
    /// Records the transaction's bytes came from.
    public var firstFrame: Int
    public var lastFrame: Int
    /// The command was sent while this earlier transaction was still pending.
    public var pipelinedAfter: Int?
    /// Why an unanswered transaction stopped waiting.
    public var abandonment: Abandonment?
    /// The maximum response time the decoder applied, if the catalog gives one.
    public var maximumResponseTime: Duration?
    /// Some bytes had no direction tag and were attributed by content.
    public var hasInferredDirection: Bool
    /// Bytes of this transaction from each side (the decoder's accounting: every input
    /// byte belongs to exactly one output object).
    public var hostByteCount: Int
    public var modemByteCount: Int

    /// How a transaction ended.
    public enum Status: String, Hashable, Sendable {
        /// The final result reports success (`OK`, `CONNECT`, `SEND OK`).
        case ok
        /// `ERROR`, `+CME ERROR`, `+CMS ERROR`, `SEND FAIL`, `NO CARRIER`, `BUSY`, …
        case error
        /// No final result: the input ended, the next command abandoned it, or the module
        /// restarted.
        case unanswered
        /// The host cancelled its payload with ESC.
        case cancelled
    }

    /// What ended the wait for a final result that never came (product.md §7.7).
    public enum Abandonment: Hashable, Sendable {
        /// The host sent its next command at this time, after the maximum response time.
        case nextCommand(Timestamp)
        /// The module restarted (`RDY`, `POWERED DOWN`) at this time.
        case restart(Timestamp)
        /// The input ended; the time is that of the last record.
        case endOfInput(Timestamp)
    }

    /// A line of text from the module with its time.
    public struct Line: Hashable, Sendable {
        public var text: [UInt8]
        public var time: Timestamp
        public var frame: Int

        public init(text: [UInt8], time: Timestamp, frame: Int) {
            self.text = text
            self.time = time
            self.frame = frame
        }
    }

    /// The first command of the line: its name and form stand for the transaction.
    public var command: ATCommand { commands[0] }
    public var name: String { command.name }
    public var form: CommandForm { command.form }

    /// `true` when the module answered with a `> ` prompt.
    public var hasPrompt: Bool { promptTime != nil }

    /// The moment from which the response time runs: the end of the payload for prompted
    /// commands and uploads (product.md §7.2), otherwise the command's terminator.
    public var latencyStart: Timestamp {
        tx?.endTime ?? commandEnd
    }

    /// From the command's terminator (or the end of its payload) to the first character of
    /// the final result; `nil` when unanswered.
    public var latency: Duration? {
        guard let final else { return nil }
        return final.time.since(latencyStart)
    }

    /// The command line as text (bytes above 0x7F shown as Latin-1 code points).
    public var commandText: String { ByteText.string(commandLine) }
}
