/// One output object of the decoder (product.md §2.1). Records are produced as soon as
/// they are complete, so a transaction follows the URCs that arrived while it was pending.
public enum DecodedRecord: Hashable, Sendable {
    // Records are handed on by value several times (decoder → output → batch → consumer →
    // reordering): a transaction is one reference already (copy-on-write storage) and every
    // other case is boxed, so a record is one reference wide and a copy is one retain
    // instead of copying a couple of hundred bytes (a mode switch is that large).
    case transaction(Transaction)
    indirect case urc(URCRecord)
    indirect case data(DataRun)
    indirect case mode(ModeSwitch)
    indirect case event(RecorderEvent)
    indirect case diagnostic(Diagnostic)
    /// The CMUX layer of a channel.
    indirect case multiplexer(MultiplexerRecord)

    /// The time the record is sorted by: a transaction's start, otherwise its time.
    public var time: Timestamp? {
        switch self {
        case .transaction(let t): t.start
        case .urc(let u): u.time
        case .data(let d): d.time
        case .mode(let m): m.time
        case .event(let e): e.time
        case .diagnostic(let d): d.time
        case .multiplexer(let m): m.time
        }
    }

    /// The first record number the object came from.
    public var frame: Int {
        switch self {
        case .transaction(let t): t.firstFrame
        case .urc(let u): u.frame
        case .data(let d): d.firstFrame
        case .mode(let m): m.frame
        case .event(let e): e.frame
        case .diagnostic(let d): d.frame
        case .multiplexer(let m): m.frame
        }
    }

    public var channel: UInt32 {
        switch self {
        case .transaction(let t): t.channel
        case .urc(let u): u.channel
        case .data(let d): d.channel
        case .mode(let m): m.channel
        case .event(let e): e.channel
        case .diagnostic(let d): d.channel
        case .multiplexer(let m): m.channel
        }
    }

    /// How many input bytes of each side this record accounts for.
    public var byteCounts: (host: Int, modem: Int) {
        switch self {
        case .transaction(let t): (t.hostByteCount, t.modemByteCount)
        case .urc(let u): (0, u.modemByteCount)
        case .data(let d): d.direction == .host ? (d.payload.length, 0) : (0, d.payload.length)
        case .mode(let m): (m.hostByteCount, m.modemByteCount)
        case .event: (0, 0)
        case .diagnostic(let d):
            switch d.direction {
            case .host?: (d.bytes.count, 0)
            case .modem?: (0, d.bytes.count)
            default: (0, 0)
            }
        case .multiplexer(let m): (m.hostByteCount, m.modemByteCount)
        }
    }
}
