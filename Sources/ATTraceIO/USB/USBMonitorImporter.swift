import ATTraceCore

/// Imports a usbmon capture (`tcpdump -i usbmonN`, link types 220 and 189; formats.md §4,
/// log-dialects.md "Binary captures that are not ours") as the AT port's serial traffic.
///
/// Bulk OUT submit events carry host → modem bytes, bulk IN complete events modem → host
/// bytes; each becomes one chunk with the kernel's timestamp and the pcap record number as
/// its frame. The AT port is one device's bulk endpoint pair: given with `--usb-device` and
/// `--usb-endpoint`, or chosen by content — the first bulk payloads of every endpoint are
/// scored by whether they parse as AT (commands on OUT, responses on IN), and the device
/// whose best OUT and IN endpoints score highest wins. The choice is the first record (a
/// `start` event) and is reported to ``onChoice``.
///
/// Reading streams: only the scoring window (the first ``scoringLimit`` bulk payloads) is
/// held in memory.
public final class USBMonitorImporter {
    /// Bulk payloads read before the endpoints are chosen by content.
    public static let scoringLimit = 2000

    public var name: String { reader.name }
    public let linkType: Int32
    public private(set) var choice: USBEndpointChoice?
    /// Called once, when the endpoints are known (or found to be missing).
    public var onChoice: ((USBEndpointChoice?) -> Void)?

    private let reader: CaptureReader
    private let selection: USBSelection
    private let tool: String

    private struct Held {
        var frame: Int
        var packet: USBMonitorPacket
    }

    public init(reader: CaptureReader, selection: USBSelection = USBSelection(), tool: String = "attrace") throws(CaptureError) {
        guard LinkType.isUSBMonitor(reader.linkType) else {
            throw .unsupportedLinkType(name: reader.name, linkType: reader.linkType)
        }
        self.reader = reader
        self.linkType = reader.linkType
        self.selection = selection
        self.tool = tool
    }

    /// Hands every record to `body` in file order: the start event, then the AT port's
    /// chunks, then a damaged tail's diagnostic.
    public func forEachRecord(_ body: (RawRecord) throws -> Void) throws {
        var held: [Held] = []
        var decided = false
        var firstTime: Timestamp?
        let complete = selection.bus != nil && selection.device != nil && selection.outEndpoint != nil
        func decide() throws {
            decided = true
            let chosen = complete
                ? USBEndpointChoice(bus: selection.bus!, device: selection.device!, outEndpoint: selection.outEndpoint!,
                                    inEndpoint: selection.inEndpoint ?? selection.outEndpoint!, isAutomatic: false)
                : Self.choose(from: held.map(\.packet), selection: selection)
            choice = chosen
            onChoice?(chosen)
            // The capture starts, for `rel`, with the AT port's first payload.
            let firstPayload = held.first { item in chosen.map { Self.belongs(item.packet, to: $0) } ?? false }
            try body(.event(startEvent(time: firstPayload?.packet.time ?? held.first?.packet.time ?? firstTime
                                       ?? Timestamp(nanoseconds: 0))))
            if chosen == nil {
                try body(.diagnostic(Diagnostic(
                    code: .unreadableRecord,
                    message: selection.isEmpty
                        ? "the usbmon capture has no bulk payloads that parse as AT; choose the port with --usb-device and --usb-endpoint"
                        : "no bulk traffic in the usbmon capture matches --usb-device/--usb-endpoint",
                    time: firstTime, frame: 1)))
            }
            for item in held { try emit(item.packet, frame: item.frame, body) }
            held.removeAll()
        }
        let damage = try reader.forEachPacket { packet in
            guard let parsed = USBMonitorPacket(packet.bytes, linkType: linkType) else { return }
            if firstTime == nil { firstTime = parsed.time }
            if decided {
                try emit(parsed, frame: packet.frame, body)
                return
            }
            guard parsed.serialPayload != nil else { return }
            held.append(Held(frame: packet.frame, packet: parsed))
            if complete || held.count >= Self.scoringLimit { try decide() }
        }
        if !decided { try decide() }
        if let damage { try body(.diagnostic(damage)) }
    }

    private func emit(_ packet: USBMonitorPacket, frame: Int, _ body: (RawRecord) throws -> Void) throws {
        guard let choice, Self.belongs(packet, to: choice), let (direction, bytes) = packet.serialPayload else { return }
        try bytes.withUnsafeBytes { buffer in
            try body(.chunk(ChunkView(time: packet.time, frame: frame, channel: 0, direction: direction, bytes: buffer)))
        }
    }

    /// Whether the packet carries AT port bytes of the chosen endpoints.
    private static func belongs(_ packet: USBMonitorPacket, to choice: USBEndpointChoice) -> Bool {
        guard packet.bus == choice.bus, packet.device == choice.device, let (direction, _) = packet.serialPayload else {
            return false
        }
        return packet.endpointNumber == (direction == .host ? choice.outEndpoint : choice.inEndpoint)
    }

    private func startEvent(time: Timestamp) -> RecorderEvent {
        var fields: [(key: String, value: JSONValue)] = [
            ("event", .string("start")), ("tool", .string(tool)), ("mode", .string("import")),
            ("dialect", .string("usbmon")), ("link_type", .integer(Int64(linkType))),
        ]
        if let choice {
            fields += [
                ("device", .string(choice.deviceName)),
                ("out_endpoint", .string(USBEndpointChoice.endpointName(choice.outEndpoint, input: false))),
                ("in_endpoint", .string(USBEndpointChoice.endpointName(choice.inEndpoint, input: true))),
                ("selection", .string(choice.isAutomatic ? "automatic" : "manual")),
            ]
            if choice.isAutomatic {
                fields += [("at_payloads", .integer(Int64(choice.atPayloads))), ("payloads", .integer(Int64(choice.payloads)))]
            }
        }
        fields += [("framing", .string("exact")), ("clock", .string("absolute"))]
        return RecorderEvent(time: time, frame: 0, fields: fields)
    }

    // MARK: - Choosing the endpoints by content

    private struct EndpointKey: Hashable {
        var bus: UInt16
        var device: UInt8
        var number: UInt8
        var isInput: Bool
    }

    /// The device and endpoint pair whose payloads parse as AT best, within `selection`.
    static func choose(from packets: [USBMonitorPacket], selection: USBSelection) -> USBEndpointChoice? {
        var scores: [EndpointKey: (at: Int, total: Int)] = [:]
        for packet in packets {
            guard let (direction, bytes) = packet.serialPayload else { continue }
            if let bus = selection.bus, packet.bus != bus { continue }
            if let device = selection.device, packet.device != device { continue }
            let wanted = direction == .host ? selection.outEndpoint : selection.inEndpoint
            if let wanted, packet.endpointNumber != wanted { continue }
            let key = EndpointKey(bus: packet.bus, device: packet.device, number: packet.endpointNumber,
                                  isInput: direction == .modem)
            var score = scores[key] ?? (0, 0)
            score.total += 1
            if direction == .host ? looksLikeCommands(bytes) : looksLikeResponses(bytes) { score.at += 1 }
            scores[key] = score
        }
        var best: (choice: USBEndpointChoice, rank: (Int, Int))?
        let devices = Set(scores.keys.map { [Int($0.bus), Int($0.device)] })
        for device in devices.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            func bestEndpoint(input: Bool) -> (number: UInt8, at: Int, total: Int)? {
                scores.filter { Int($0.key.bus) == device[0] && Int($0.key.device) == device[1] && $0.key.isInput == input }
                    .map { (number: $0.key.number, at: $0.value.at, total: $0.value.total) }
                    .max { ($0.at, $0.total, -Int($0.number)) < ($1.at, $1.total, -Int($1.number)) }
            }
            guard let out = bestEndpoint(input: false), let input = bestEndpoint(input: true),
                  out.at + input.at > 0 else { continue }
            let rank = (out.at + input.at, out.total + input.total)
            if best == nil || rank > best!.rank {
                best = (USBEndpointChoice(bus: UInt16(device[0]), device: UInt8(device[1]), outEndpoint: out.number,
                                          inEndpoint: input.number, isAutomatic: true, atPayloads: out.at + input.at,
                                          payloads: out.total + input.total), rank)
            }
        }
        return best?.choice
    }

    /// Host payloads of an AT port: command lines (`AT…`, `A/`), or text ending a line.
    static func looksLikeCommands(_ bytes: [UInt8]) -> Bool {
        let text = bytes.drop { $0 == 0x0D || $0 == 0x0A || $0 == 0x20 }
        guard text.count >= 2 else { return false }
        let first = text[text.startIndex] | 0x20
        let second = text[text.startIndex + 1]
        return first == UInt8(ascii: "a") && (second | 0x20 == UInt8(ascii: "t") || second == UInt8(ascii: "/"))
    }

    /// Module payloads of an AT port: mostly text, with line ends, result codes or echo.
    static func looksLikeResponses(_ bytes: [UInt8]) -> Bool {
        let printable = bytes.filter { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0D || $0 == 0x0A }.count
        guard printable * 10 >= bytes.count * 9 else { return false }
        return bytes.contains(0x0D) || bytes.contains(0x0A) || looksLikeCommands(bytes)
    }
}
