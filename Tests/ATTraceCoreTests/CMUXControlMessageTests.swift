import Testing
import ATTraceCore

@Suite struct CMUXControlMessageTests {
    @Test func modemStatusCommandAndResponse() throws {
        // MSC command for DLCI 1: RTC, RTR, DV (n_gsm sends 0x8D with EA).
        let information = CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.modemStatus, isCommand: true,
                                                    value: [0x07, 0x8D])
        #expect(information == [0xE3, 0x05, 0x07, 0x8D])
        let messages = try CMUXControlMessage.parse(information)
        #expect(messages.count == 1)
        guard case .modemStatus(let status) = messages[0].kind else {
            Issue.record("expected MSC, got \(messages[0].kind)")
            return
        }
        #expect(status.dlci == 1)
        #expect(status.readyToCommunicate && status.readyToReceive && status.dataValid && !status.flowControl)
        #expect(messages[0].isCommand)
        #expect(messages[0].summary == "MSC command DLCI 1 RTC RTR DV")
    }

    @Test func parameterNegotiation() throws {
        // PN for DLCI 2: UIH, priority 7, T1 100 ms, N1 127, N2 3, k 2.
        let value: [UInt8] = [0x02, 0x00, 0x07, 0x0A, 0x7F, 0x00, 0x03, 0x02]
        let messages = try CMUXControlMessage.parse(
            CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.parameterNegotiation, isCommand: false, value: value))
        guard case .parameterNegotiation(let pn)? = messages.first?.kind else {
            Issue.record("expected PN")
            return
        }
        #expect(pn.dlci == 2 && pn.maximumFrameSize == 127 && pn.acknowledgementTimer == 10 && pn.maximumRetransmissions == 3)
        #expect(messages[0].typeOctet == 0x81)
        #expect(messages[0].summary == "PN response DLCI 2 N1 127 T1 100 ms N2 3 priority 7")
    }

    @Test func severalMessagesInOneFrame() throws {
        let information = CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.test, isCommand: true, value: Array("ping".utf8))
            + CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.flowControlOff, isCommand: true, value: [])
            + CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.flowControlOn, isCommand: false, value: [])
            + CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.notSupported, isCommand: false, value: [0x93])
            + CMUXControlMessage.encode(type: CMUXControlMessage.TypeCode.closeDown, isCommand: true, value: [])
        let messages = try CMUXControlMessage.parse(information)
        #expect(messages.map(\.name) == ["Test", "FCoff", "FCon", "NSC", "CLD"])
        #expect(messages[0].kind == .test(pattern: Array("ping".utf8)))
        #expect(messages[3].kind == .notSupported(type: 0x93))
        #expect(information.first == 0x23)   // formats.md §5: Test is 0x21, 0x23 with C/R
        #expect(information[information.count - 2] == 0xC3)
    }

    @Test func twoOctetLengthAndDamage() throws {
        let pattern = [UInt8](repeating: 0x55, count: 200)
        let information: [UInt8] = [0x23, UInt8((200 & 0x7F) << 1), UInt8(200 >> 7) << 1 | 1] + pattern
        let parsed = try CMUXControlMessage.parse(information)
        #expect(parsed.first?.kind == .test(pattern: pattern))
        #expect(throws: CMUXControlMessage.ParseError.self) { try CMUXControlMessage.parse([0xE3, 0x05, 0x07]) }
        #expect(throws: CMUXControlMessage.ParseError.self) { try CMUXControlMessage.parse([0xE2, 0x01]) }
        #expect(throws: CMUXControlMessage.ParseError.self) { try CMUXControlMessage.parse([0x83, 0x05, 1, 2]) }
    }
}
