/// TCP and HTTP sessions of ``SessionSimulator`` (reference/catalog.md §3.2 and §3.5): a
/// buffer-mode TCP socket read with `AT+QIRD`, and an HTTP GET read with `AT+QHTTPREAD`.
extension SessionSimulator {
    // MARK: - TCP

    /// `AT+QIOPEN` → `+QIOPEN`, rounds of `AT+QISEND` / `"recv"` / `AT+QIRD`, `AT+QICLOSE`.
    mutating func tcpSession() {
        let socket = generator.below(12)
        let (address, port) = Self.servers[generator.below(Self.servers.count)]
        think()
        send(command: Self.commandLine(capacity: 64) {
            $0.append(ascii: "AT+QIOPEN=1,")
            $0.append(decimal: socket)
            $0.append(ascii: ",\"TCP\",")
            $0.append(contentsOf: address)
            $0.append(0x2C)
            $0.append(decimal: port)
            $0.append(ascii: ",0,0")
        })
        answer(Self.okResult, latency: 10_000...40_000)
        let failed = generator.chance(perMille: configuration.openFailurePerMille)
        unsolicited(Self.framedLine {
            $0.append(ascii: "+QIOPEN: ")
            $0.append(decimal: socket)
            $0.append(ascii: failed ? ",566" : ",0")
        }, after: 200_000...2_000_000)
        if failed {
            statistics.openFailures += 1
        } else {
            var received = 0
            for _ in 0..<generator.inRange(1...4) {
                pause(50_000...1_000_000)
                tcpSend(socket: socket)
                received += tcpReceive(socket: socket)
            }
            if generator.chance(perMille: 200) {
                think()
                send(command: Self.commandLine {
                    $0.append(ascii: "AT+QIRD=")
                    $0.append(decimal: socket)
                    $0.append(ascii: ",0")
                })
                answer(Self.framedLine {
                    $0.append(ascii: "+QIRD: ")
                    $0.append(decimal: received)
                    $0.append(0x2C)
                    $0.append(decimal: received)
                    $0.append(ascii: ",0")
                } + Self.okResult, latency: 3_000...20_000)
            }
        }
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QICLOSE=")
            $0.append(decimal: socket)
        })
        answer(Self.okResult, latency: 20_000...600_000)
    }

    private mutating func tcpSend(socket: Int) {
        let length = payloadLength()
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QISEND=")
            $0.append(decimal: socket)
            $0.append(0x2C)
            $0.append(decimal: length)
        })
        answer(Self.prompt, latency: 2_000...20_000)
        pause(1_000...30_000)
        write(payload: payload(length, isBinary: generator.chance(perMille: 500), allowsControl: true))
        if generator.chance(perMille: configuration.sendFailurePerMille) {
            answer(Self.sendFailResult, latency: 10_000...80_000)
            statistics.sendFailures += 1
        } else {
            answer(Self.sendOKResult, latency: 10_000...80_000)
        }
    }

    /// `+QIURC: "recv",<id>`, `AT+QIRD=<id>,1500` with data, often a read that returns 0.
    /// Returns the bytes read.
    private mutating func tcpReceive(socket: Int) -> Int {
        unsolicited(Self.framedLine {
            $0.append(ascii: "+QIURC: \"recv\",")
            $0.append(decimal: socket)
        }, after: 50_000...800_000)
        pause(5_000...80_000)
        let readCommand = Self.commandLine {
            $0.append(ascii: "AT+QIRD=")
            $0.append(decimal: socket)
            $0.append(ascii: ",1500")
        }
        send(command: readCommand)
        let length = responseLength()
        var block = Self.framedLine(capacity: length + 32) {
            $0.append(ascii: "+QIRD: ")
            $0.append(decimal: length)
        }
        block.append(contentsOf: payload(length, isBinary: generator.chance(perMille: 500), allowsControl: true))
        block.append(contentsOf: Self.blockTrailer)
        answer(block, latency: 10_000...40_000)
        if generator.chance(perMille: 700) {
            pause(5_000...100_000)
            send(command: readCommand)
            answer(Self.framedLine { $0.append(ascii: "+QIRD: 0") } + Self.okResult, latency: 5_000...30_000)
        }
        return length
    }

    // MARK: - HTTP

    /// `AT+QHTTPURL` (counted upload after `CONNECT`), `AT+QHTTPGET` → `+QHTTPGET`,
    /// `AT+QHTTPREAD` → `CONNECT`, body, `OK`, `+QHTTPREAD: 0`.
    mutating func httpSession() {
        if generator.chance(perMille: 500) {
            command("AT+QHTTPCFG=\"contextid\",1", answer: Self.okResult)
        }
        if generator.chance(perMille: 300) {
            command("AT+QHTTPCFG=\"responseheader\",0", answer: Self.okResult)
        }
        var url: [UInt8] = []
        url.append(ascii: "http://iot.example.com/api/v1/config?device=")
        url.append(decimal: 1000 + generator.below(9000))
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QHTTPURL=")
            $0.append(decimal: url.count)
            $0.append(ascii: ",80")
        })
        answer(Self.connectResult, latency: 5_000...30_000)
        pause(1_000...30_000)
        write(payload: url)
        answer(Self.okResult, latency: 5_000...40_000)

        think()
        send(command: Self.commandLine { $0.append(ascii: "AT+QHTTPGET=80") })
        answer(Self.okResult, latency: 10_000...60_000)
        let length = generator.inRange(100...4000)
        unsolicited(Self.framedLine {
            $0.append(ascii: "+QHTTPGET: 0,200,")
            $0.append(decimal: length)
        }, after: 500_000...3_000_000)

        think()
        send(command: Self.commandLine { $0.append(ascii: "AT+QHTTPREAD=80") })
        var transfer: [UInt8] = []
        transfer.reserveCapacity(length + 40)
        transfer.append(contentsOf: Self.connectResult)
        transfer.append(contentsOf: SimulatedText.slice(length, using: &generator))
        transfer.append(contentsOf: Self.okResult)
        transfer.append(ascii: "\r\n+QHTTPREAD: 0\r\n")
        if let echo = pendingEcho {
            pendingEcho = nil
            emit(.modem, echo, at: now &+ microseconds(200...2_000) &+ wireTime(echo.count))
        }
        statistics.unsolicitedResults += 1
        streamModem(transfer, startingAt: now &+ microseconds(20_000...200_000))
    }
}
