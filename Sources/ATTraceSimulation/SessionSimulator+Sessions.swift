/// Session framing of ``SessionSimulator``: the quiet time and URCs between sessions, the
/// optional status commands and PDP activation before a session, and the deactivation
/// after it (reference/formats.md §7.1; quectel-ssl.md §2 steps 1, 2 and 7).
extension SessionSimulator {
    /// Servers the simulated devices talk to: the note's test server and a few others.
    static let servers: [(address: [UInt8], port: Int)] = [
        (Array("\"220.180.239.212\"".utf8), 8010),
        (Array("\"220.180.239.212\"".utf8), 8011),
        (Array("\"iot.example.com\"".utf8), 8883),
        (Array("\"203.0.113.25\"".utf8), 443),
        (Array("\"telemetry.example.net\"".utf8), 4433),
        (Array("\"198.51.100.7\"".utf8), 443),
    ]

    static let accessPointNames: [StaticString] = ["internet", "UNINET", "iot.1nce.net", "hologram"]

    /// `+CME ERROR` numbers an activation plausibly fails with (catalog.md §5.5).
    static let activationErrors = [30, 31, 132, 133, 148, 149]

    /// Generates the next session (and the idle time before it) into `queue`.
    mutating func generateSession() {
        idleBeforeSession()
        splitResponsePerMille = generator.inRange(configuration.splitResponsePerMille)
        let kind = kindTable[generator.below(kindTable.count)]
        statistics.countSession(kind)
        guard prepareSession() else { return }
        switch kind {
        case .sslBuffer: sslSession(accessMode: 0)
        case .sslDirectPush: sslSession(accessMode: 1)
        case .sslTransparent: transparentSession()
        case .tcpBuffer: tcpSession()
        case .httpGet: httpSession()
        }
        finishSession()
    }

    // MARK: - Between sessions

    private mutating func idleBeforeSession() {
        pause(500_000...15_000_000)
        guard generator.chance(perMille: 300) else { return }
        randomURC(allowsDeactivation: true)
        pause(200_000...3_000_000)
    }

    /// A registration, signal or PDP event that nobody asked for (catalog.md §4). A PDP
    /// deactivation is only allowed when no connection is open (with one open, the SSL
    /// session plays it out itself, closed URC included).
    mutating func randomURC(allowsDeactivation: Bool) {
        switch generator.below(10) {
        case 0, 1, 2:
            unsolicited(Self.framedLine { $0.append(ascii: "+CREG: "); $0.append(decimal: [1, 1, 1, 5, 2][generator.below(5)]) },
                        after: 0...1_000)
        case 3, 4:
            unsolicited(Self.framedLine { $0.append(ascii: "+CGREG: "); $0.append(decimal: [1, 1, 5, 2][generator.below(4)]) },
                        after: 0...1_000)
        case 5, 6, 7, 8:
            let rssi = 8 + generator.below(24)
            unsolicited(Self.framedLine { $0.append(ascii: "+QIND: \"csq\","); $0.append(decimal: rssi); $0.append(ascii: ",99") },
                        after: 0...1_000)
        default:
            guard isContextActive, allowsDeactivation else {
                unsolicited(Self.framedLine { $0.append(ascii: "+CEREG: 1") }, after: 0...1_000)
                return
            }
            // The network dropped the bearer; the host must deactivate it (catalog.md §4).
            unsolicited(Self.framedLine { $0.append(ascii: "+QIURC: \"pdpdeact\",1") }, after: 0...1_000)
            pause(20_000...200_000)
            send(command: Self.commandLine { $0.append(ascii: "AT+QIDEACT=1") })
            answer(Self.okResult, latency: 50_000...900_000)
            isContextActive = false
        }
    }

    // MARK: - Before and after

    /// Echo setting, status queries and PDP activation; `false` when activation failed.
    private mutating func prepareSession() -> Bool {
        let wantsEcho = generator.chance(perMille: configuration.echoPerMille)
        if wantsEcho != isEchoOn || generator.chance(perMille: 150) {
            // The module echoes ATE itself according to the old setting.
            send(command: Self.commandLine { $0.append(ascii: wantsEcho ? "ATE1" : "ATE0") })
            answer(Self.okResult, latency: 1_000...15_000)
            isEchoOn = wantsEcho
        }
        if isEchoOn { statistics.echoSessions += 1 }
        if generator.chance(perMille: 150) {
            command("AT+CMEE=1", answer: Self.okResult)
        }
        if generator.chance(perMille: 300) {
            think()
            send(command: Self.commandLine { $0.append(ascii: "AT+CPIN?") })
            answer(Self.framedLine { $0.append(ascii: "+CPIN: READY") } + Self.okResult, latency: 5_000...40_000)
        }
        if generator.chance(perMille: 400) {
            think()
            send(command: Self.commandLine { $0.append(ascii: "AT+CSQ") })
            let rssi = 8 + generator.below(24)
            answer(Self.framedLine { $0.append(ascii: "+CSQ: "); $0.append(decimal: rssi); $0.append(ascii: ",99") }
                       + Self.okResult, latency: 3_000...30_000)
        }
        if generator.chance(perMille: 150) {
            think()
            send(command: Self.commandLine { $0.append(ascii: "AT+CREG?") })
            answer(Self.framedLine { $0.append(ascii: "+CREG: 0,1") } + Self.okResult, latency: 3_000...20_000)
        }
        if isContextActive {
            if generator.chance(perMille: 300) {
                think()
                send(command: Self.commandLine { $0.append(ascii: "AT+QIACT?") })
                answer(Self.framedLine {
                    $0.append(ascii: "+QIACT: 1,1,1,\"10.")
                    $0.append(decimal: generator.below(256))
                    $0.append(ascii: ".")
                    $0.append(decimal: generator.below(256))
                    $0.append(ascii: ".")
                    $0.append(decimal: 1 + generator.below(254))
                    $0.append(ascii: "\"")
                } + Self.okResult, latency: 5_000...40_000)
            }
            return true
        }
        think()
        let name = Self.accessPointNames[generator.below(Self.accessPointNames.count)]
        send(command: Self.commandLine { $0.append(ascii: "AT+QICSGP=1,1,\""); $0.append(ascii: name); $0.append(ascii: "\",\"\",\"\",1") })
        answer(Self.okResult, latency: 5_000...60_000)
        think()
        send(command: Self.commandLine { $0.append(ascii: "AT+QIACT=1") })
        if generator.chance(perMille: configuration.activationErrorPerMille) {
            let error = Self.activationErrors[generator.below(Self.activationErrors.count)]
            answer(Self.framedLine { $0.append(ascii: "+CME ERROR: "); $0.append(decimal: error) },
                   latency: 1_000_000...40_000_000)
            statistics.activationErrors += 1
            return false
        }
        answer(Self.okResult, latency: 300_000...3_000_000)
        isContextActive = true
        return true
    }

    private mutating func finishSession() {
        guard isContextActive, generator.chance(perMille: 400) else { return }
        think()
        send(command: Self.commandLine { $0.append(ascii: "AT+QIDEACT=1") })
        answer(Self.okResult, latency: 100_000...1_000_000)
        isContextActive = false
    }

    // MARK: - Helpers

    /// The host's time between commands.
    mutating func think() {
        pause(20_000...400_000)
    }

    /// A command answered quickly with `response`.
    mutating func command(_ text: StaticString, answer response: [UInt8]) {
        think()
        send(command: Self.commandLine { $0.append(ascii: text) })
        answer(response, latency: 2_000...25_000)
    }

    /// A payload of `count` bytes: text from the corpus, or binary. `allowsControl` is
    /// false for Ctrl+Z-terminated payloads, which cannot carry 0x1A or 0x1B.
    mutating func payload(_ count: Int, isBinary: Bool, allowsControl: Bool) -> [UInt8] {
        guard isBinary else {
            return Array(SimulatedText.slice(count, using: &generator))
        }
        var bytes: [UInt8] = []
        generator.appendBytes(count, to: &bytes)
        if !allowsControl {
            for index in bytes.indices where bytes[index] == 0x1A || bytes[index] == 0x1B {
                bytes[index] &+= 0x40
            }
        }
        return bytes
    }

    /// A payload size in the three bands of formats.md §7.1: the note's 18 bytes, 32–512,
    /// and 1024–1460.
    mutating func payloadLength() -> Int {
        switch generator.below(10) {
        case 0, 1: 18
        case 2, 3, 4, 5, 6, 7: generator.inRange(32...512)
        default: generator.inRange(1024...1460)
        }
    }

    /// How much a server sends back: mostly small, up to the 1500-byte read limit.
    mutating func responseLength() -> Int {
        switch generator.below(10) {
        case 0, 1, 2: generator.inRange(18...64)
        case 3, 4, 5, 6, 7: generator.inRange(65...700)
        default: generator.inRange(701...1500)
        }
    }
}
