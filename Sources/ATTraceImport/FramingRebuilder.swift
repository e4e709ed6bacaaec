import ATTraceCore

/// Rebuilds V.250 framing for logs that show lines without their line ends (product.md
/// §7.14): host command lines end with `<CR>`, module lines are wrapped in
/// `<CR><LF>…<CR><LF>`, a `> ` prompt has no line end.
///
/// A few shapes need the conversation's state, taken from the command catalog (protocol
/// knowledge as data): the module's echo of the pending command is `AT…<CR>` again; after a
/// prompt or an upload's `CONNECT` the host's lines are payload (no `<CR>`; a shown Ctrl+Z
/// becomes 0x1A); after a counted header (`+QSSLRECV: 18`, `+QIRD: 5`,
/// `+QSSLURC: "recv",4,18`, `CONNECT 100`) the module's next lines are that many bytes of
/// data, joined by `<CR><LF>`; `+++` has no line end.
struct FramingRebuilder {
    /// What a rebuilt piece is, for logs whose lines carry no direction.
    enum Role: Equatable {
        case hostCommand
        case hostPayload
        case modemLine
        case modemEcho
        case modemPrompt
        case modemData

        /// The side that sent a piece in this role.
        var direction: Direction {
            switch self {
            case .hostCommand, .hostPayload: .host
            case .modemLine, .modemEcho, .modemPrompt, .modemData: .modem
            }
        }
    }

    private let catalog = CommandCatalog.standard
    private var pendingCommand: [UInt8]?
    private var pendingSpec: CommandSpec?
    private var echoPossible = false
    private var payloadOpen = false
    private var payloadLines = 0
    private var dataRemaining = 0
    private var dataStarted = false
    private var downloadOpen = false
    private var dataMode = false

    /// Ctrl+Z as logs show it at the end of a payload.
    private static let controlZSpellings: [[UInt8]] = ["^Z", "<SUB>", "<sub>", "<Ctrl+Z>", "<CTRL+Z>", "<ctrl-z>",
                                                       "<Ctrl-Z>", "\\x1a", "\\x1A", "\\u001a", "\\u001A", "\\032"]
        .map { Array($0.utf8) }

    /// The host's next lines are payload (after a prompt or an upload's `CONNECT`).
    var expectsHostPayload: Bool { payloadOpen || dataMode }
    /// The module's next lines are counted or downloaded data.
    var expectsModemData: Bool { dataRemaining > 0 || downloadOpen }
    /// The bytes of counted data still due after a counted header.
    var countedBytesRemaining: Int { dataRemaining }

    // MARK: - Lines with a known direction

    mutating func host(_ text: [UInt8]) -> [UInt8] {
        rebuild(text, as: hostRole(text))
    }

    mutating func modem(_ text: [UInt8]) -> [UInt8] {
        rebuild(text, as: modemRole(text))
    }

    // MARK: - Lines without a direction

    /// Decides what a line of a direction-less log most likely is (the decoder infers the
    /// direction again from the rebuilt bytes) and rebuilds it.
    mutating func unknown(_ text: [UInt8]) -> (bytes: [UInt8], role: Role) {
        let role: Role
        if dataRemaining > 0 || downloadOpen {
            role = modemRole(text)
        } else if payloadOpen && !Self.isResult(text) {
            role = .hostPayload
        } else if ByteSearch.looksLikeCommand(text) {
            role = echoPossible && pendingCommand == text ? .modemEcho : .hostCommand
        } else if text == Array("+++".utf8) {
            role = .hostPayload
        } else {
            role = modemRole(text)
        }
        return (rebuild(text, as: role), role)
    }

    /// A raw paste shows the prompt and the typed payload on one line (`> hello`).
    static func splitPrompt(_ text: [UInt8]) -> (prompt: Bool, rest: [UInt8]) {
        guard text.first == 0x3E else { return (false, text) }
        var rest = Array(text.dropFirst())
        if rest.first == 0x20 { rest.removeFirst() }
        return (true, rest)
    }

    // MARK: - Roles

    private func hostRole(_ text: [UInt8]) -> Role {
        if payloadOpen || dataMode || text == Array("+++".utf8) { return .hostPayload }
        return .hostCommand
    }

    private func modemRole(_ text: [UInt8]) -> Role {
        if dataRemaining > 0 || (downloadOpen && !Self.endsDownload(text)) { return .modemData }
        if echoPossible, let pendingCommand, text == pendingCommand { return .modemEcho }
        if text.first == 0x3E, text.count <= 2, pendingSpec?.prompt != nil || pendingCommand != nil { return .modemPrompt }
        return .modemLine
    }

    private mutating func rebuild(_ text: [UInt8], as role: Role) -> [UInt8] {
        switch role {
        case .hostCommand:
            pendingCommand = text
            pendingSpec = Self.spec(of: text, in: catalog)
            echoPossible = true
            payloadOpen = false
            downloadOpen = false
            return text.last == 0x0D || text.last == 0x0A ? text : text + [0x0D]
        case .hostPayload:
            echoPossible = false
            var bytes = text
            if payloadLines > 0 { bytes = [0x0D, 0x0A] + bytes }
            payloadLines += 1
            for spelling in Self.controlZSpellings where bytes.count >= spelling.count && Array(bytes.suffix(spelling.count)) == spelling {
                bytes.removeLast(spelling.count)
                bytes.append(0x1A)
                payloadOpen = false
                payloadLines = 0
                break
            }
            return bytes
        case .modemEcho:
            echoPossible = false
            return text + [0x0D]
        case .modemPrompt:
            echoPossible = false
            payloadOpen = true
            payloadLines = 0
            return [0x0D, 0x0A, 0x3E, 0x20]
        case .modemData:
            var bytes = text
            if dataStarted { bytes = [0x0D, 0x0A] + bytes }
            dataStarted = true
            if dataRemaining > 0 {
                dataRemaining = max(0, dataRemaining - bytes.count)
            }
            return bytes
        case .modemLine:
            echoPossible = false
            payloadOpen = false
            payloadLines = 0
            downloadOpen = false
            dataStarted = false
            noteModemLine(text)
            return [0x0D, 0x0A] + text + [0x0D, 0x0A]
        }
    }

    /// Follows the module's lines that change how the next lines are framed.
    private mutating func noteModemLine(_ text: [UInt8]) {
        if text == Array("NO CARRIER".utf8) {
            dataMode = false
            return
        }
        if let length = countedLength(of: text) {
            dataRemaining = length
            return
        }
        if ByteSearch.hasPrefix(text, Array("CONNECT".utf8), at: 0) {
            switch pendingSpec?.transfer {
            case .upload?:
                payloadOpen = true
                payloadLines = 0
            case .download?:
                downloadOpen = true
            case nil:
                dataMode = true
            }
        }
    }

    /// The count of data bytes a module line announces after itself with the pending
    /// command (`CONNECT 100`, the command's counted response `+QIRD: 5`, a URC with a
    /// payload `+QSSLURC: "recv",4,18`), or nil.
    func countedLength(of text: [UInt8]) -> Int? {
        if ByteSearch.hasPrefix(text, Array("CONNECT".utf8), at: 0) {
            var cursor = ByteCursor(text, at: 7)
            guard cursor.skipSpaces() > 0, let count = cursor.digits(), cursor.isAtEnd else { return nil }
            return Int(count.value)
        }
        let line = ResponseLine(text)
        if let counted = pendingSpec?.countedResponse, let length = counted.length(of: line) {
            return length
        }
        if let prefix = line.prefix, let urc = catalog.urc(prefix), let rule = urc.payload {
            return rule.length(of: line)
        }
        return nil
    }

    private static func spec(of line: [UInt8], in catalog: CommandCatalog) -> CommandSpec? {
        guard let command = CommandLineParser.parse(line[...]).first else { return nil }
        return catalog.command(command.name)
    }

    private static let results: [[UInt8]] = ["OK", "ERROR", "SEND OK", "SEND FAIL", "NO CARRIER", "+CME ERROR", "+CMS ERROR"]
        .map { Array($0.utf8) }

    static func isResult(_ text: [UInt8]) -> Bool {
        results.contains { ByteSearch.hasPrefix(text, $0, at: 0) }
    }

    /// The lines that end a `CONNECT` download (`+QFDWL: <size>,<checksum>`, `OK` of
    /// `AT+QHTTPREAD`, an error).
    private static func endsDownload(_ text: [UInt8]) -> Bool {
        isResult(text) || ByteSearch.hasPrefix(text, Array("+QFDWL:".utf8), at: 0)
            || ByteSearch.hasPrefix(text, Array("+QHTTPREAD:".utf8), at: 0)
    }
}
