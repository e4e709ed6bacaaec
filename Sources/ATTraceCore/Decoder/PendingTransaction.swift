/// A transaction the decoder is still assembling, with what it expects next.
struct PendingTransaction {
    /// The storage of the transaction being assembled; only this pending transaction holds
    /// it, so its fields are changed in place (a ``Transaction`` would first ask whether its
    /// storage is shared), and completing the transaction hands it over without a copy.
    let storage: Transaction.Storage

    /// What the line makes the module send (shared with the line cache).
    let shape: CommandLineShape
    /// The terminator an echoing module repeats after the command line (`nil` for `A/`,
    /// which has none); the echo is the command line followed by it.
    var echoTerminator: UInt8?
    var echo: EchoState
    /// The host cancelled its payload with ESC.
    var isCancelled: Bool
    var deadline: Duration

    enum EchoState {
        case expected
        case seen
        case absent
    }

    enum PromptPayload {
        case fixed(Int)
        case untilCtrlZ
    }

    var id: Int { storage.fields.id }

    /// The commands that decide the traffic: the line's own, or for `A/` the repeated line's.
    var effectiveCommands: [ATCommand] { shape.effective }
    var spec: CommandSpec? { shape.spec }
    var promptPayload: PromptPayload? { shape.promptPayload }
    var uploadLength: Int? { shape.uploadLength }
    var download: DownloadKind? { shape.download }
    var countedResponse: CountedResponse? { shape.countedResponse }
    var acknowledgesUpload: Bool { shape.acknowledgesUpload }

    /// The length of the echo: the command line and its terminator.
    var echoLength: Int { storage.fields.commandLine.count + (echoTerminator == nil ? 0 : 1) }

    /// `true` when `content` (a line without its line end) is the echo.
    func echoStarts(with content: ArraySlice<UInt8>) -> Bool {
        let line = storage.fields.commandLine
        if content.count == line.count {
            return (echoTerminator == nil || echoTerminator == 0x0D) && line.elementsEqual(content)
        }
        return content.count == line.count + 1 && echoTerminator == content.last
            && line.elementsEqual(content.dropLast())
    }

    mutating func absorb(_ span: ByteQueue.Span, modemBytes: Int = 0, hostBytes: Int = 0) {
        storage.fields.modemByteCount += modemBytes
        storage.fields.hostByteCount += hostBytes
        if span.lastFrame > storage.fields.lastFrame { storage.fields.lastFrame = span.lastFrame }
        if span.firstFrame < storage.fields.firstFrame { storage.fields.firstFrame = span.firstFrame }
        if let end = storage.fields.end {
            if span.lastTime > end { storage.fields.end = span.lastTime }
        } else if span.lastTime > storage.fields.commandEnd {
            storage.fields.end = span.lastTime
        }
        if span.isInferred { storage.fields.hasInferredDirection = true }
    }
}

/// Collects a payload that arrives over several chunks.
struct PayloadBuilder {
    var bytes: [UInt8] = []
    var length = 0
    var declaredLength: Int?
    var firstTime: Timestamp?
    var lastTime: Timestamp?
    var firstFrame: Int?
    var lastFrame = 0
    var isInferred = false

    /// Room reserved up front for an announced length, at most (a damaged header must not
    /// reserve megabytes).
    static let reservationLimit = 64 << 10

    init(declaredLength: Int?) {
        self.declaredLength = declaredLength
        // A payload usually arrives over several records: one allocation instead of a
        // reallocation and copy at each of them.
        if let declaredLength, declaredLength > 0 {
            bytes.reserveCapacity(Swift.min(declaredLength, Self.reservationLimit))
        }
    }

    mutating func append(_ slice: ArraySlice<UInt8>, span: ByteQueue.Span) {
        if bytes.count < Payload.storageLimit {
            bytes.append(contentsOf: slice.prefix(Payload.storageLimit - bytes.count))
        }
        length += slice.count
        if firstTime == nil { firstTime = span.firstTime; firstFrame = span.firstFrame }
        lastTime = span.lastTime
        lastFrame = span.lastFrame
        if span.isInferred { isInferred = true }
    }

    func payload(end: Payload.End, defaultTime: Timestamp) -> Payload {
        Payload(bytes: bytes, length: length, declaredLength: declaredLength,
                time: firstTime ?? defaultTime, endTime: lastTime ?? defaultTime, end: end)
    }
}
