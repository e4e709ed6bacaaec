/// SSL sessions of ``SessionSimulator``: configure a context, open, exchange data in
/// buffer, direct-push or transparent mode, close (quectel-ssl.md §2, §3, §5, §7, §9).
extension SessionSimulator {
    /// Client ids in use: mostly the note's 4, sometimes another.
    static let clientIDs = [4, 4, 4, 4, 0, 1, 2, 3, 5, 11]
    /// `+QSSLOPEN` failure codes the benchmark mixes in (formats.md §7.1; §11).
    static let openFailureCodes = [566, 552, 553]

    // MARK: - Buffer and direct push

    /// Access mode 0 (buffer) or 1 (direct push).
    mutating func sslSession(accessMode: Int) {
        let context = generator.chance(perMille: 800) ? 1 : generator.below(6)
        let client = Self.clientIDs[generator.below(Self.clientIDs.count)]
        configureSSLContext(context)
        guard openSSL(context: context, client: client, accessMode: accessMode) else { return }
        let rounds = generator.inRange(1...6)
        for _ in 0..<rounds {
            pause(50_000...1_500_000)
            if generator.chance(perMille: 30) {
                randomURC(allowsDeactivation: false)
            }
            if generator.chance(perMille: 40) {
                querySSLState(context: context, client: client, accessMode: accessMode)
            }
            sslSend(client: client)
            if generator.chance(perMille: 850) {
                if accessMode == 0 {
                    sslBufferedReceive(client: client)
                } else {
                    sslPush(client: client)
                }
            }
            if generator.chance(perMille: 3) {
                // The server ends the connection; the host must still close it (§7).
                unsolicited(Self.framedLine {
                    $0.append(ascii: "+QSSLURC: \"closed\",")
                    $0.append(decimal: client)
                }, after: 100_000...5_000_000)
                statistics.peerCloses += 1
                break
            }
            if generator.chance(perMille: 2) {
                loseBearer(client: client)
                return
            }
        }
        closeSSL(client: client)
    }

    /// The network deactivates the PDP context under an open connection: both URCs, then
    /// the host closes the client and deactivates the context (§2 fact 6, §7).
    private mutating func loseBearer(client: Int) {
        var urcs = Self.framedLine { $0.append(ascii: "+QIURC: \"pdpdeact\",1") }
        urcs.append(contentsOf: Self.framedLine {
            $0.append(ascii: "+QSSLURC: \"closed\",")
            $0.append(decimal: client)
        })
        unsolicited(urcs, after: 100_000...5_000_000)
        statistics.unsolicitedResults += 1
        statistics.peerCloses += 1
        closeSSL(client: client)
        think()
        send(command: Self.commandLine { $0.append(ascii: "AT+QIDEACT=1") })
        answer(Self.okResult, latency: 50_000...900_000)
        isContextActive = false
    }

    /// Three or four `AT+QSSLCFG` writes (§5.1), each answered within milliseconds.
    private mutating func configureSSLContext(_ context: Int) {
        let verifiesServer = generator.chance(perMille: 200)
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QSSLCFG=\"sslversion\",")
            $0.append(decimal: context)
            $0.append(ascii: generator.chance(perMille: 800) ? ",4" : ",3")
        })
        answer(Self.okResult, latency: 3_000...30_000)
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QSSLCFG=\"ciphersuite\",")
            $0.append(decimal: context)
            $0.append(ascii: generator.chance(perMille: 800) ? ",0XFFFF" : ",0XC02F")
        })
        answer(Self.okResult, latency: 3_000...30_000)
        if verifiesServer {
            think()
            send(command: Self.commandLine {
                $0.append(ascii: "AT+QSSLCFG=\"cacert\",")
                $0.append(decimal: context)
                $0.append(ascii: ",\"RAM:cacert.pem\"")
            })
            answer(Self.okResult, latency: 3_000...30_000)
        }
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QSSLCFG=\"seclevel\",")
            $0.append(decimal: context)
            $0.append(ascii: verifiesServer ? ",1" : ",0")
        })
        answer(Self.okResult, latency: 3_000...30_000)
    }

    private mutating func openCommand(context: Int, client: Int, accessMode: Int, server: Int) -> [UInt8] {
        let (address, port) = Self.servers[server]
        return Self.commandLine(capacity: 64) {
            $0.append(ascii: "AT+QSSLOPEN=1,")
            $0.append(decimal: context)
            $0.append(0x2C)
            $0.append(decimal: client)
            $0.append(0x2C)
            $0.append(contentsOf: address)
            $0.append(0x2C)
            $0.append(decimal: port)
            $0.append(0x2C)
            $0.append(decimal: accessMode)
        }
    }

    /// `AT+QSSLOPEN` → `OK` → `+QSSLOPEN: <id>,<err>` (§5.2); `false` when it failed (the
    /// host then closes the client, as the benchmark generator did).
    private mutating func openSSL(context: Int, client: Int, accessMode: Int) -> Bool {
        think()
        send(command: openCommand(context: context, client: client, accessMode: accessMode,
                                  server: generator.below(Self.servers.count)))
        answer(Self.okResult, latency: 10_000...40_000)
        if generator.chance(perMille: configuration.openFailurePerMille) {
            let code = Self.openFailureCodes[generator.below(Self.openFailureCodes.count)]
            unsolicited(Self.framedLine {
                $0.append(ascii: "+QSSLOPEN: ")
                $0.append(decimal: client)
                $0.append(0x2C)
                $0.append(decimal: code)
            }, after: 500_000...20_000_000)
            statistics.openFailures += 1
            closeSSL(client: client)
            return false
        }
        unsolicited(Self.framedLine {
            $0.append(ascii: "+QSSLOPEN: ")
            $0.append(decimal: client)
            $0.append(ascii: ",0")
        }, after: 300_000...3_000_000)
        return true
    }

    private mutating func closeSSL(client: Int) {
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QSSLCLOSE=")
            $0.append(decimal: client)
        })
        answer(Self.okResult, latency: 20_000...500_000)
    }

    /// `AT+QSSLSTATE=<id>` and its one line (§5.6, §6).
    private mutating func querySSLState(context: Int, client: Int, accessMode: Int) {
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QSSLSTATE=")
            $0.append(decimal: client)
        })
        let line = Self.framedLine(capacity: 96) {
            $0.append(ascii: "+QSSLSTATE: ")
            $0.append(decimal: client)
            $0.append(ascii: ",\"SSLClient\",\"220.180.239.212\",8010,")
            $0.append(decimal: 49_152 + generator.below(16_384))
            $0.append(ascii: ",2,1,")
            $0.append(decimal: client)
            $0.append(0x2C)
            $0.append(decimal: accessMode)
            $0.append(ascii: ",\"usbmodem\",")
            $0.append(decimal: context)
        }
        answer(line + Self.okResult, latency: 5_000...30_000)
    }

    /// `AT+QSSLSEND` in its fixed or variable form: prompt, payload, result (§5.3).
    private mutating func sslSend(client: Int) {
        let length = payloadLength()
        let isFixed = generator.chance(perMille: 600)
        let isBinary = generator.chance(perMille: 500)
        think()
        send(command: Self.commandLine {
            $0.append(ascii: "AT+QSSLSEND=")
            $0.append(decimal: client)
            if isFixed {
                $0.append(0x2C)
                $0.append(decimal: length)
            }
        })
        answer(Self.prompt, latency: 2_000...20_000)
        pause(1_000...30_000)
        var bytes = length == 18 && !isBinary ? SimulatedText.testData
            : payload(length, isBinary: isBinary, allowsControl: isFixed)
        if !isFixed { bytes.append(0x1A) }
        write(payload: bytes)
        if generator.chance(perMille: configuration.sendFailurePerMille) {
            answer(Self.sendFailResult, latency: 10_000...80_000)
            statistics.sendFailures += 1
        } else {
            answer(Self.sendOKResult, latency: 10_000...80_000)
        }
    }

    /// `"recv"` URC, then `AT+QSSLRECV` until the buffer is empty, sometimes (§3.2).
    private mutating func sslBufferedReceive(client: Int) {
        unsolicited(Self.framedLine {
            $0.append(ascii: "+QSSLURC: \"recv\",")
            $0.append(decimal: client)
        }, after: 50_000...800_000)
        pause(5_000...80_000)
        let readCommand = Self.commandLine {
            $0.append(ascii: "AT+QSSLRECV=")
            $0.append(decimal: client)
            $0.append(ascii: ",1500")
        }
        send(command: readCommand)
        let length = responseLength()
        var block = Self.framedLine(capacity: length + 32) {
            $0.append(ascii: "+QSSLRECV: ")
            $0.append(decimal: length)
        }
        block.append(contentsOf: payload(length, isBinary: generator.chance(perMille: 500), allowsControl: true))
        block.append(contentsOf: Self.blockTrailer)
        answer(block, latency: 10_000...40_000)
        if generator.chance(perMille: 300) {
            pause(5_000...100_000)
            send(command: readCommand)
            answer(Self.framedLine { $0.append(ascii: "+QSSLRECV: 0") } + Self.okResult, latency: 5_000...30_000)
        }
    }

    /// `+QSSLURC: "recv",<id>,<n>` with the data, sometimes followed by `<CR><LF>` (§3.3).
    private mutating func sslPush(client: Int) {
        let length = responseLength()
        var block = Self.framedLine(capacity: length + 40) {
            $0.append(ascii: "+QSSLURC: \"recv\",")
            $0.append(decimal: client)
            $0.append(0x2C)
            $0.append(decimal: length)
        }
        block.append(contentsOf: payload(length, isBinary: generator.chance(perMille: 500), allowsControl: true))
        if generator.chance(perMille: 500) { block.append(contentsOf: Self.lineEnd) }
        unsolicited(block, after: 50_000...800_000)
    }

    // MARK: - Transparent

    /// Access mode 2: `CONNECT`, raw data both ways, then `+++` with 1 s guards and `OK`
    /// (or, sometimes, `NO CARRIER`), then the close (§3.4).
    mutating func transparentSession() {
        let context = generator.chance(perMille: 800) ? 1 : generator.below(6)
        let client = Self.clientIDs[generator.below(Self.clientIDs.count)]
        configureSSLContext(context)
        think()
        send(command: openCommand(context: context, client: client, accessMode: 2,
                                  server: generator.below(Self.servers.count)))
        if generator.chance(perMille: configuration.openFailurePerMille) {
            answer(Self.errorResult, latency: 500_000...20_000_000)
            statistics.openFailures += 1
            return
        }
        answer(Self.connectResult, latency: 500_000...3_000_000)
        let exchanges = generator.inRange(2...10)
        for _ in 0..<exchanges {
            pause(20_000...500_000)
            let length = payloadLength()
            let bytes = payload(length, isBinary: generator.chance(perMille: 500), allowsControl: true)
            if generator.chance(perMille: 500) {
                write(payload: bytes)
            } else {
                emitModem(bytes, startingAt: now)
            }
        }
        if generator.chance(perMille: 60) {
            unsolicited(Self.noCarrierResult, after: 100_000...2_000_000)
            statistics.carrierLosses += 1
        } else {
            // Guard time before, `+++` within a second, guard time after, then OK (§3.4).
            pause(1_000_000...1_600_000)
            if generator.chance(perMille: 900) {
                now &+= wireTime(3)
                emit(.host, Self.escapeSequence, at: now)
            } else {
                for _ in 0..<3 {
                    now &+= wireTime(1)
                    emit(.host, [0x2B], at: now)
                    pause(30_000...250_000)
                }
            }
            emitModem(Self.okResult, startingAt: now &+ microseconds(1_000_000...1_300_000))
        }
        closeSSL(client: client)
    }
}
