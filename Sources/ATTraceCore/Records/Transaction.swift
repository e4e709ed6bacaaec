/// One command line and everything the module sent in reply to it (product.md §2.1).
///
/// A value type with copy-on-write storage: a transaction travels by value from the
/// decoder through queues to formatters and the analyzer, and a copy of two dozen fields
/// (seven of them arrays) costs a retain per array; sharing one storage object makes every
/// copy a single retain. Mutation copies the storage only when it is shared.
public struct Transaction: Hashable, Sendable {
    // Inlinable accessors: the analyzer and the formatters read a transaction's fields from
    // other modules, and an inlined read can borrow a field instead of retaining a copy.
    @usableFromInline var storage: Storage

    public init(
        id: Int,
        channel: UInt32,
        commandLine: [UInt8],
        commands: [ATCommand],
        repeatedLine: [UInt8]?,
        start: Timestamp,
        commandEnd: Timestamp,
        end: Timestamp?,
        final: FinalResult?,
        status: Status,
        responses: [Line],
        hasEcho: Bool,
        promptTime: Timestamp?,
        tx: Payload?,
        rx: Payload?,
        firstFrame: Int,
        lastFrame: Int,
        pipelinedAfter: Int?,
        abandonment: Abandonment?,
        maximumResponseTime: Duration?,
        hasInferredDirection: Bool,
        hostByteCount: Int,
        modemByteCount: Int
    ) {
        storage = Storage(Fields(
            id: id,
            channel: channel,
            commandLine: commandLine,
            commands: commands,
            repeatedLine: repeatedLine,
            start: start,
            commandEnd: commandEnd,
            end: end,
            final: final,
            status: status,
            responses: responses,
            hasEcho: hasEcho,
            promptTime: promptTime,
            tx: tx,
            rx: rx,
            firstFrame: firstFrame,
            lastFrame: lastFrame,
            pipelinedAfter: pipelinedAfter,
            abandonment: abandonment,
            maximumResponseTime: maximumResponseTime,
            hasInferredDirection: hasInferredDirection,
            hostByteCount: hostByteCount,
            modemByteCount: modemByteCount
        ))
    }

    /// A transaction on `storage`, which no one else holds (the decoder assembles a pending
    /// transaction's fields in place, and hands the storage over when it completes).
    init(storage: Storage) {
        self.storage = storage
    }

    /// 1-based, in the order the host sent its command lines; the same in `decode` and
    /// `analyze`.
    @inlinable public var id: Int {
        get { storage.fields.id }
        _modify { makeUnique(); yield &storage.fields.id }
    }
    @inlinable public var channel: UInt32 {
        get { storage.fields.channel }
        _modify { makeUnique(); yield &storage.fields.channel }
    }
    /// The command line as sent, without leading line ends and without the terminator.
    @inlinable public var commandLine: [UInt8] {
        get { storage.fields.commandLine }
        _modify { makeUnique(); yield &storage.fields.commandLine }
    }
    /// The commands of the line (`AT+CMEE=1;+CREG?` has two); never empty.
    @inlinable public var commands: [ATCommand] {
        get { storage.fields.commands }
        _modify { makeUnique(); yield &storage.fields.commands }
    }
    /// For `A/`: the command line it repeated.
    @inlinable public var repeatedLine: [UInt8]? {
        get { storage.fields.repeatedLine }
        _modify { makeUnique(); yield &storage.fields.repeatedLine }
    }
    /// Time of the first character of the command line.
    @inlinable public var start: Timestamp {
        get { storage.fields.start }
        _modify { makeUnique(); yield &storage.fields.start }
    }
    /// Time of the command's terminator (`<CR>`).
    @inlinable public var commandEnd: Timestamp {
        get { storage.fields.commandEnd }
        _modify { makeUnique(); yield &storage.fields.commandEnd }
    }
    /// Time of the last byte that belongs to the transaction; `nil` when unanswered.
    @inlinable public var end: Timestamp? {
        get { storage.fields.end }
        _modify { makeUnique(); yield &storage.fields.end }
    }
    @inlinable public var final: FinalResult? {
        get { storage.fields.final }
        _modify { makeUnique(); yield &storage.fields.final }
    }
    @inlinable public var status: Status {
        get { storage.fields.status }
        _modify { makeUnique(); yield &storage.fields.status }
    }
    /// Information-response lines (a counted response's header included), in order.
    @inlinable public var responses: [Line] {
        get { storage.fields.responses }
        _modify { makeUnique(); yield &storage.fields.responses }
    }
    /// The module repeated the command line (ATE1).
    @inlinable public var hasEcho: Bool {
        get { storage.fields.hasEcho }
        _modify { makeUnique(); yield &storage.fields.hasEcho }
    }
    /// When the `> ` prompt arrived, for prompting commands.
    @inlinable public var promptTime: Timestamp? {
        get { storage.fields.promptTime }
        _modify { makeUnique(); yield &storage.fields.promptTime }
    }
    /// Payload the host sent after the prompt or after `CONNECT` (upload).
    @inlinable public var tx: Payload? {
        get { storage.fields.tx }
        _modify { makeUnique(); yield &storage.fields.tx }
    }
    /// Counted data in the response (`+QSSLRECV: 18` + 18 bytes, a `CONNECT` download).
    @inlinable public var rx: Payload? {
        get { storage.fields.rx }
        _modify { makeUnique(); yield &storage.fields.rx }
    }
    /// Records the transaction's bytes came from.
    @inlinable public var firstFrame: Int {
        get { storage.fields.firstFrame }
        _modify { makeUnique(); yield &storage.fields.firstFrame }
    }
    @inlinable public var lastFrame: Int {
        get { storage.fields.lastFrame }
        _modify { makeUnique(); yield &storage.fields.lastFrame }
    }
    /// The command was sent while this earlier transaction was still pending.
    @inlinable public var pipelinedAfter: Int? {
        get { storage.fields.pipelinedAfter }
        _modify { makeUnique(); yield &storage.fields.pipelinedAfter }
    }
    /// Why an unanswered transaction stopped waiting.
    @inlinable public var abandonment: Abandonment? {
        get { storage.fields.abandonment }
        _modify { makeUnique(); yield &storage.fields.abandonment }
    }
    /// The maximum response time the decoder applied, if the catalog gives one.
    @inlinable public var maximumResponseTime: Duration? {
        get { storage.fields.maximumResponseTime }
        _modify { makeUnique(); yield &storage.fields.maximumResponseTime }
    }
    /// Some bytes had no direction tag and were attributed by content.
    @inlinable public var hasInferredDirection: Bool {
        get { storage.fields.hasInferredDirection }
        _modify { makeUnique(); yield &storage.fields.hasInferredDirection }
    }
    /// Bytes of this transaction from each side (the decoder's accounting: every input
    /// byte belongs to exactly one output object).
    @inlinable public var hostByteCount: Int {
        get { storage.fields.hostByteCount }
        _modify { makeUnique(); yield &storage.fields.hostByteCount }
    }
    @inlinable public var modemByteCount: Int {
        get { storage.fields.modemByteCount }
        _modify { makeUnique(); yield &storage.fields.modemByteCount }
    }

    public static func == (lhs: Transaction, rhs: Transaction) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    @usableFromInline mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
    }

    /// The stored values.
    @usableFromInline struct Fields: Hashable, Sendable {
        @usableFromInline var id: Int
        @usableFromInline var channel: UInt32
        @usableFromInline var commandLine: [UInt8]
        @usableFromInline var commands: [ATCommand]
        @usableFromInline var repeatedLine: [UInt8]?
        @usableFromInline var start: Timestamp
        @usableFromInline var commandEnd: Timestamp
        @usableFromInline var end: Timestamp?
        @usableFromInline var final: FinalResult?
        @usableFromInline var status: Status
        @usableFromInline var responses: [Line]
        @usableFromInline var hasEcho: Bool
        @usableFromInline var promptTime: Timestamp?
        @usableFromInline var tx: Payload?
        @usableFromInline var rx: Payload?
        @usableFromInline var firstFrame: Int
        @usableFromInline var lastFrame: Int
        @usableFromInline var pipelinedAfter: Int?
        @usableFromInline var abandonment: Abandonment?
        @usableFromInline var maximumResponseTime: Duration?
        @usableFromInline var hasInferredDirection: Bool
        @usableFromInline var hostByteCount: Int
        @usableFromInline var modemByteCount: Int

        /// See ``Transaction/form``.
        var form: CommandForm { commands[0].form }

        /// See ``Transaction/latencyStart``.
        var latencyStart: Timestamp { tx?.endTime ?? commandEnd }
    }

    /// Unchecked: the fields are mutated only through `makeUnique()`, that is never while
    /// another value (on any thread) shares the storage.
    @usableFromInline final class Storage: @unchecked Sendable {
        // No dynamic exclusivity checks: accesses follow the value semantics above.
        @exclusivity(unchecked) @usableFromInline var fields: Fields

        @usableFromInline init(_ fields: Fields) {
            self.fields = fields
        }
    }

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
    @inlinable public var command: ATCommand { storage.fields.commands[0] }
    /// How many commands the line holds (`;` concatenation), read in place.
    @inlinable public var commandCount: Int { storage.fields.commands.count }
    /// The command at `index` of the line, and its name, read in place: no copy of the
    /// line's command list (shared with every transaction of the same line).
    @inlinable public func command(at index: Int) -> ATCommand { storage.fields.commands[index] }
    @inlinable public func commandName(at index: Int) -> String { storage.fields.commands[index].name }
    @inlinable public var name: String { storage.fields.commands[0].name }
    @inlinable public var form: CommandForm { storage.fields.commands[0].form }

    /// `true` when the module answered with a `> ` prompt.
    @inlinable public var hasPrompt: Bool { promptTime != nil }

    /// The moment from which the response time runs: the end of the payload for prompted
    /// commands and uploads (product.md §7.2), otherwise the command's terminator.
    @inlinable public var latencyStart: Timestamp {
        // Read in place: copying the payload out would retain its bytes.
        storage.fields.tx?.endTime ?? storage.fields.commandEnd
    }

    /// The final result's time and code, read in place (no copy of the result line).
    @inlinable public var finalTime: Timestamp? { storage.fields.final?.time }
    @inlinable public var finalCode: ResultCode? { storage.fields.final?.code }

    /// From the command's terminator (or the end of its payload) to the first character of
    /// the final result; `nil` when unanswered.
    @inlinable public var latency: Duration? {
        guard let time = finalTime else { return nil }
        return time.since(latencyStart)
    }

    /// The command line as text (bytes above 0x7F shown as Latin-1 code points).
    public var commandText: String { ByteText.string(commandLine) }
}
