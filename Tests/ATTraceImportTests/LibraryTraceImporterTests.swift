import ATTraceCore
import Testing
@testable import ATTraceImport

/// The firmware library traces: Mbed, ST, EWF, Particle, Pybytes, QNavigator.
@Suite struct LibraryTraceImporterTests {
    @Test func mbedCountsTerminatorsAndDecimalEscapes() throws {
        let log = """
            [00012400ms][INFO][CELL]: AT TX ( 12): AT+QIACT=1
            [00013205ms][INFO][CELL]: AT RX (  8): <cr><ln>+CSQ:\u{20}
            [00013206ms][INFO][CELL]: AT RX (  7): 24,99<cr><ln>
            [00014000ms][INFO][CELL]: AT TX ( 10): payload[26]
            [1700820000123ms][INFO][CELL]: AT RX ( 40): <cr><ln>+QIRD: 30<cr><ln>Hello from...
            """
        let records = try FieldLogImporter.records(log, .mbed)
        #expect(records.rows == ["> AT+QIACT=1<CR><LF>", "< <CR><LF>+CSQ: ", "< 24,99<CR><LF>", "> payload<SUB>",
                                 "< <CR><LF>+QIRD: 30<CR><LF>Hello from"])
        #expect(records.chunks[0].time == Timestamp(nanoseconds: 12_400_000_000))
        #expect(records.diagnostics.first?.code == .truncatedEntry)
        // Epoch milliseconds (13 digits) are absolute; the earlier times keep the clock monotonic.
        #expect(records.chunks[4].time == Timestamp(nanoseconds: 1_700_820_000_123_000_000))
    }

    @Test func stCellularDirectionsBannersAndPlaceholders() throws {
        let log = """
            [2023-11-24_10:00:02:000]AT+QISEND=0,5<CR>
            [2023-11-24_10:00:02:018]    <CR><LF>>\u{20}
            [2023-11-24_10:00:02:030]SEND (size=5)
            [2023-11-24_10:00:02:030]hello
            [2023-11-24_10:00:02:080]    <CR><LF>SEND OK<CR><LF>
            [2023-11-24_10:00:03:000] ATCore: state RUNNING
            [2023-11-24_10:00:04:000]SEND (size=200)
            [2023-11-24_10:00:04:000](binary data not displayed)
            """
        let records = try FieldLogImporter.records(log, .stCellular)
        #expect(records.rows == ["> AT+QISEND=0,5<CR>", "< <CR><LF>> ", "> hello", "< <CR><LF>SEND OK<CR><LF>"])
        #expect(records.chunks[1].time == Timestamp(nanoseconds: (1_700_784_000 + 36_002) * 1_000_000_000 + 18_000_000))
        #expect(records.diagnostics.map(\.code) == [.payloadNotLogged, .skippedLines])
    }

    @Test func ewfEscapesAndCutEntries() throws {
        let log = #"""
            [SEND][   8][AT+CSQ\r]
            [RECV][  21][\r\n+CSQ: 24,99\r\n\r\nOK\r\n]
            [RECV][   9][\r\n+QIURC: \x22recv\x22,0\r\n
            """#
        let records = try FieldLogImporter.records(log, .ewf)
        #expect(records.rows == ["> AT+CSQ<CR>", "< <CR><LF>+CSQ: 24,99<CR><LF><CR><LF>OK<CR><LF>",
                                 "< <CR><LF>+QIURC: \"recv\",0<CR><LF>"])
        #expect(records.diagnostics.first?.code == .truncatedEntry)
    }

    @Test func particleClassicAndTraceForms() throws {
        let classic = #"""
                 12.345 AT send      10 "AT+CREG?\r\n"
                 12.351 AT read  +   30 "\r\n+CREG: 2,5,\"2B2D\",\"A1\",7\r\n"
                 12.352 AT read OK    6 "\r\nOK\r\n"
            """#
        let records = try FieldLogImporter.records(classic, .particle)
        #expect(records.rows == ["> AT+CREG?<CR><LF>", "< <CR><LF>+CREG: 2,5,\"2B2D\",\"A1\",7<CR><LF>", "< <CR><LF>OK<CR><LF>"])
        #expect(records.chunks[0].time == Timestamp(nanoseconds: 12_345_000_000))
        #expect(records.startEvent?["framing"]?.stringValue == "exact")
        let trace = """
            0000010450 [ncp.client] TRACE: Modem ready
            0000012000 [ncp.at] TRACE: > AT+CSQ
            0000012021 [ncp.at] TRACE: < +CSQ: 24,99
            0000012022 [ncp.at] TRACE: < OK
            """
        let traced = try FieldLogImporter.records(trace, .particle)
        #expect(traced.rows == ["> AT+CSQ<CR>", "< <CR><LF>+CSQ: 24,99<CR><LF>", "< <CR><LF>OK<CR><LF>"])
        #expect(traced.startEvent?["framing"]?.stringValue == "reconstructed")
        #expect(traced.chunks[0].time == Timestamp(nanoseconds: 12_000_000_000))
    }

    @Test func pybytesLiteralsAndRebuiltCommands() throws {
        let log = #"""
            TX:[AT+QISEND=0,4]
            RX:[bytearray(b'\r\n> ')]
            TX:[b'\x00\x01\xfe\xff']
            RX:[b"\r\nSEND OK\r\n"]
            """#
        let records = try FieldLogImporter.records(log, .pybytes)
        #expect(records.rows == ["> AT+QISEND=0,4<CR>", "< <CR><LF>> ", "> <x0><x1><xfe><xff>", "< <CR><LF>SEND OK<CR><LF>"])
        #expect(records.startEvent?["framing"]?.stringValue == "reconstructed")
    }

    @Test func qNavigatorEchoPromptAndCountedData() throws {
        let log = """
            [2023-11-24 10:00:04:000_S:] AT+QSSLSEND=4
            [2023-11-24 10:00:04:004_R:] AT+QSSLSEND=4
            [2023-11-24 10:00:04:021_R:] >
            [2023-11-24 10:00:04:100_S:] hello^Z
            [2023-11-24 10:00:04:163_R:] SEND OK
            [2023-11-24 10:00:05:300_S:] AT+QSSLRECV=4,1500
            [2023-11-24 10:00:05:331_R:] +QSSLRECV: 10
            [2023-11-24 10:00:05:331_R:] two
            [2023-11-24 10:00:05:331_R:] lines
            [2023-11-24 10:00:05:331_R:] OK
            """
        let records = try FieldLogImporter.records(log, .qNavigator)
        #expect(records.rows == ["> AT+QSSLSEND=4<CR>", "< AT+QSSLSEND=4<CR>", "< <CR><LF>> ", "> hello<SUB>",
                                 "< <CR><LF>SEND OK<CR><LF>", "> AT+QSSLRECV=4,1500<CR>", "< <CR><LF>+QSSLRECV: 10<CR><LF>",
                                 "< two", "< <CR><LF>lines", "< <CR><LF>OK<CR><LF>"])
        let decoded = records.decoded()
        #expect(decoded.summary == ["AT+QSSLSEND=SEND OK", "AT+QSSLRECV=OK"])
        #expect(decoded.transactions.last?.rx?.bytes == Array("two\r\nlines".utf8))
        #expect(decoded.transactions.first?.hasEcho == true)
    }
}
