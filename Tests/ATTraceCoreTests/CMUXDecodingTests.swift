import Testing
@testable import ATTraceCore

/// CMUX in the AT stream (issue 6 item 4; formats.md §5): after `AT+CMUX=0` → `OK` the
/// channel carries 27.010 frames, each DLCI is decoded as a channel of its own, control
/// frames are records, damage is a diagnostic, and closing the multiplexer returns to AT.
@Suite struct CMUXDecodingTests {
    // MARK: - Conversations (also in DecoderCorpus: chunking and byte accounting)

    static func frame(_ dlci: UInt8, _ type: CMUXFrameType, _ information: String = "", pollFinal: Bool = false,
                      commandResponse: Bool = true) -> [UInt8] {
        CMUXFrame(dlci: dlci, commandResponse: commandResponse, type: type, pollFinal: pollFinal,
                  information: Array(information.utf8)).encoded()
    }

    static func controlFrame(_ message: [UInt8], commandResponse: Bool = true) -> [UInt8] {
        CMUXFrame(dlci: 0, commandResponse: commandResponse, type: .unnumberedInformationHeaderCheck,
                  pollFinal: false, information: message).encoded()
    }

    /// Open the multiplexer, two DLCIs with a command each, an MSC, then DISC and AT again.
    static func session() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CMUX=0\r")
        c.modem(0.01, "\r\nOK\r\n")
        c.add(0.1, .host, frame(0, .sabm, pollFinal: true))
        c.add(0.11, .modem, frame(0, .unnumberedAcknowledgement, pollFinal: true))
        c.add(0.2, .host, frame(1, .sabm, pollFinal: true) + frame(2, .sabm, pollFinal: true))
        c.add(0.21, .modem, frame(1, .unnumberedAcknowledgement, pollFinal: true)
              + frame(2, .unnumberedAcknowledgement, pollFinal: true))
        let msc = CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.modemStatus, isCommand: true,
                                            value: [0x07, 0x8D])
        c.add(0.25, .host, controlFrame(msc))
        c.add(0.3, .host, frame(1, .unnumberedInformationHeaderCheck, "AT+CSQ\r"))
        c.add(0.31, .modem, frame(1, .unnumberedInformationHeaderCheck, "\r\n+CSQ: 20,99\r\n"))
        c.add(0.32, .modem, frame(1, .unnumberedInformationHeaderCheck, "\r\nOK\r\n"))
        c.add(0.4, .host, frame(2, .unnumberedInformationHeaderCheck, "AT+QSSLSTATE\r"))
        c.add(0.41, .modem, frame(2, .unnumberedInformationHeaderCheck, "\r\nOK\r\n")
              + frame(1, .unnumberedInformationHeaderCheck, "\r\n+CREG: 1\r\n"))
        c.add(0.5, .host, frame(0, .disconnect, pollFinal: true))
        c.add(0.51, .modem, frame(0, .unnumberedAcknowledgement, pollFinal: true))
        c.host(0.6, "AT\r")
        c.modem(0.61, "\r\nOK\r\n")
        return c
    }

    /// A frame with a wrong check between two good ones.
    static func damagedFrame() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CMUX=0\r")
        c.modem(0.01, "\r\nOK\r\n")
        c.add(0.1, .host, frame(1, .unnumberedInformationHeaderCheck, "AT\r"))
        var bad = frame(1, .unnumberedInformationHeaderCheck, "\r\nERROR\r\n")
        bad[bad.count - 2] ^= 0xFF
        c.add(0.11, .modem, bad)
        c.add(2.0, .host, frame(1, .unnumberedInformationHeaderCheck, "AT+CSQ\r"))
        c.add(2.01, .modem, frame(1, .unnumberedInformationHeaderCheck, "\r\n+CSQ: 5,99\r\n\r\nOK\r\n"))
        return c
    }

    /// The module restarts inside the multiplexer: plain `RDY` ends it.
    static func moduleRestart() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CMUX=0\r")
        c.modem(0.01, "\r\nOK\r\n")
        c.add(0.1, .host, frame(1, .unnumberedInformationHeaderCheck, "AT\r"))
        c.add(0.11, .modem, frame(1, .unnumberedInformationHeaderCheck, "\r\nOK\r\n"))
        c.modem(5.0, "\r\nRDY\r\n")
        c.host(6.0, "AT\r")
        c.modem(6.01, "\r\nOK\r\n")
        return c
    }

    // MARK: - Tests

    @Test func eachDLCIIsDecodedAsItsOwnChannel() {
        let output = Self.session().decode()
        let transactions = output.transactions
        #expect(transactions.map(\.name) == ["AT+CMUX", "AT+CSQ", "AT+QSSLSTATE", "AT"])
        #expect(transactions.map(\.channel) == [0, 1, 2, 0])
        #expect(transactions[1].responseTexts == ["+CSQ: 20,99"])
        #expect(transactions.allSatisfy { $0.status == .ok })
        #expect(output.urcs.map(\.name) == ["+CREG"])
        #expect(output.urcs.first?.channel == 1)
        #expect(output.diagnostics.isEmpty)
    }

    @Test func controlFramesAndTheSessionAreRecords() {
        let records = Self.session().decode().compactMap { record -> MultiplexerRecord? in
            if case .multiplexer(let m) = record { m } else { nil }
        }
        guard case .started(let transaction)? = records.first?.kind else {
            Issue.record("no start record")
            return
        }
        #expect(transaction == 1)
        let frames = records.compactMap { record -> String? in
            if case .frame(let frame) = record.kind { frame.summary } else { nil }
        }
        #expect(frames == ["SABM DLCI 0 P", "UA DLCI 0 F", "SABM DLCI 1 P", "SABM DLCI 2 P", "UA DLCI 1 F",
                           "UA DLCI 2 F", "UIH DLCI 0: MSC command DLCI 1 RTC RTR DV", "DISC DLCI 0 P", "UA DLCI 0 F"])
        guard case .ended(let ending)? = records.last?.kind else {
            Issue.record("no end record")
            return
        }
        #expect(ending.reason == .disconnect)
        #expect(ending.hostDataFrames == 2)
        #expect(ending.modemDataFrames == 4)
        #expect(ending.dataChannels == [1, 2])
    }

    @Test func aDamagedFrameIsADiagnosticAndDecodingGoesOn() {
        let output = Self.damagedFrame().decode()
        #expect(output.diagnostics.map(\.code) == [.cmuxFrame])
        #expect(output.diagnostics.first?.message.contains("fails its check") == true)
        let transactions = output.transactions
        #expect(transactions.map(\.name) == ["AT+CMUX", "AT", "AT+CSQ"])
        // The answer to `AT` was in the damaged frame: the next command, sent after its
        // maximum response time, abandons it.
        #expect(transactions[1].final == nil)
        #expect(transactions[2].responseTexts == ["+CSQ: 5,99"])
        #expect(transactions[2].final?.time == Conversation.base.adding(.milliseconds(2010)))
        #expect(output.diagnostics.first?.time == Conversation.base.adding(.milliseconds(110)))
    }

    @Test func plainTextEndsTheMultiplexer() {
        let output = Self.moduleRestart().decode()
        #expect(output.urcs.map(\.name) == ["RDY"])
        #expect(output.urcs.first?.channel == 0)
        #expect(output.transactions.map { "\($0.channel) \($0.name) \($0.status)" }
                == ["0 AT+CMUX ok", "1 AT ok", "0 AT ok"])
        let endings = output.compactMap { record -> MultiplexerRecord.Ending? in
            if case .multiplexer(let m) = record, case .ended(let ending) = m.kind { ending } else { nil }
        }
        #expect(endings.map(\.reason) == [.textResumed])
    }

    @Test func anInputEndingInsideTheMultiplexerClosesIt() {
        var c = Conversation()
        c.host(0.0, "AT+CMUX=0\r")
        c.modem(0.01, "\r\nOK\r\n")
        c.add(0.1, .host, Self.frame(1, .unnumberedInformationHeaderCheck, "AT\r"))
        let output = c.decode()
        let endings = output.compactMap { record -> MultiplexerRecord.Ending? in
            if case .multiplexer(let m) = record, case .ended(let ending) = m.kind { ending } else { nil }
        }
        #expect(endings.map(\.reason) == [.endOfInput])
        #expect(output.transactions.last?.status == .unanswered)
        let accounting = byteAccounting(input: c.records, output: output)
        #expect(accounting.input == accounting.output)
    }

    @Test func dlciChannelsOfOtherPhysicalChannelsDoNotCollide() {
        #expect(MultiplexerRecord.channel(dlci: 3, on: 0) == 3)
        #expect(MultiplexerRecord.channel(dlci: 3, on: 2) == 515)
    }
}
