/// What a module line is by its bytes alone (V.250 §5.7–5.8; product.md §3): a verbose
/// result code, an ATV0 digit, a `+NAME:` line, a URC the catalog knows, or garbage.
///
/// Which of these it *means* also depends on the pending command (a `+QSSLOPEN:` line is a
/// response or an asynchronous result); that part is decided per line by the decoder. The
/// decoder keeps one class per distinct line in its line cache, so a recurring `OK`,
/// `SEND OK` or `+QSSLRECV: 1500` is classified once (product.md §5). Immutable, hence shared.
final class ModuleLineClass: Sendable {
    /// The verbose final or intermediate result code the line is (`OK`, `+CME ERROR: 10`).
    let resultCode: ResultCode?
    /// The value of a line that is one decimal digit (an ATV0 result code, when numeric
    /// results are on).
    let digit: UInt8?
    /// `+QSSLURC` for `+QSSLURC: "recv",4`; `nil` for lines without a `+NAME:` prefix.
    let prefix: String?
    /// The URC name the line would have: its prefix, or the whole line when the catalog
    /// knows it (`RDY`).
    let urcName: String?
    let urc: URCSpec?
    /// Control bytes or mostly non-ASCII bytes (wrong baud rate, CMUX or PPP frames).
    let isGarbage: Bool
    /// The line's fields, parsed ahead for the prefixes whose fields the decoder reads
    /// (counted headers, direct-push URCs, asynchronous results); `nil` for the others.
    let fields: ResponseLine?

    init(_ line: [UInt8], catalog: CommandCatalog) {
        let bytes = line[...]
        resultCode = ResultCode.verbose(bytes)
        if line.count == 1, line[0] >= 48, line[0] <= 57 {
            digit = line[0] - 48
        } else {
            digit = nil
        }
        let prefix = ResponseLine.prefix(of: bytes)
        self.prefix = prefix
        if let prefix {
            urcName = prefix
        } else {
            let whole = String(decoding: line, as: UTF8.self)
            urcName = catalog.urc(whole) != nil ? whole : nil
        }
        urc = urcName.flatMap { catalog.urc($0) }
        isGarbage = ChannelDecoder.looksLikeGarbage(bytes)
        fields = prefix.map { catalog.decoderReadsFields(of: $0) } == true ? ResponseLine(bytes) : nil
    }

    /// The line split into prefix and fields.
    func parsed(_ line: [UInt8]) -> ResponseLine {
        fields ?? ResponseLine(line)
    }
}
