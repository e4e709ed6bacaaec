import Testing
import ATTraceAnalysis
import ATTraceCore

/// Rules the sample scripts do not cover, each raised by a small scenario and checked
/// silent on a nearby correct one (quectel-ssl.md §8; reference/catalog.md §4–5).
@Suite struct AnalyzerRuleTests {
    static let opened = """
        0.000 > AT+QIACT=1<CR>
        0.500 < <CR><LF>OK<CR><LF>
        1.000 > AT+QSSLOPEN=1,1,4,"example.com",443,0<CR>
        1.020 < <CR><LF>OK<CR><LF>
        2.000 < <CR><LF>+QSSLOPEN: 4,0<CR><LF>

        """

    static func check(_ script: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let findings = try AnalyzerHarness.findings(script: script)
        let details = findings.map { "  \($0.rule) \($0.severity): \($0.message)" }.joined(separator: "\n")
        #expect(findings.summary == expected.sorted(), "\n\(details)", sourceLocation: sourceLocation)
    }

    @Test func closeOfAnIdleClient() throws {
        try Self.check(Self.opened + """
            3.000 > AT+QSSLCLOSE=4<CR>
            3.100 < <CR><LF>OK<CR><LF>
            4.000 > AT+QSSLCLOSE=4<CR>
            4.100 < <CR><LF>OK<CR><LF>
            """, ["ssl.close-idle:info"])
        try Self.check(Self.opened + """
            3.000 > AT+QSSLCLOSE=4<CR>
            3.100 < <CR><LF>OK<CR><LF>
            """, [])
    }

    @Test func receiveURCOfTheOtherMode() throws {
        try Self.check(Self.opened + """
            3.000 < <CR><LF>+QSSLURC: "recv",4,3<CR><LF>abc
            4.000 > AT+QSSLCLOSE=4<CR>
            4.100 < <CR><LF>OK<CR><LF>
            """, ["ssl.mode-mismatch:warning"])
    }

    @Test func urcForAClientNeverOpened() throws {
        try Self.check("""
            0.000 < <CR><LF>+QSSLURC: "closed",2<CR><LF>
            1.000 > AT+QSSLCLOSE=2<CR>
            1.100 < <CR><LF>OK<CR><LF>
            """, ["ssl.closed-by-peer:warning", "ssl.orphan-urc:info"])
    }

    @Test func stateReportThatDisagrees() throws {
        try Self.check(Self.opened + """
            3.000 > AT+QSSLSTATE=4<CR>
            3.020 < <CR><LF>+QSSLSTATE: 4,"SSLClient","1.2.3.4",443,5000,4,1,4,0,"usbmodem",1<CR><LF><CR><LF>OK<CR><LF>
            4.000 > AT+QSSLCLOSE=4<CR>
            4.100 < <CR><LF>OK<CR><LF>
            """, ["ssl.state-mismatch:info"])
        try Self.check(Self.opened + """
            3.000 > AT+QSSLSTATE=4<CR>
            3.020 < <CR><LF>+QSSLSTATE: 4,"SSLClient","1.2.3.4",443,5000,2,1,4,0,"usbmodem",1<CR><LF><CR><LF>OK<CR><LF>
            """, [])
    }

    @Test func cipherSuiteOutsideTheNote() throws {
        try Self.check("""
            0.000 > AT+QSSLCFG="ciphersuite",1,0XC030<CR>
            0.020 < <CR><LF>OK<CR><LF>
            """, ["ssl.cipher-not-in-note:info"])
        try Self.check("""
            0.000 > AT+QSSLCFG="ciphersuite",1,0XC02F<CR>
            0.020 < <CR><LF>OK<CR><LF>
            """, [])
    }

    @Test func deactivatingUnderAnOpenConnection() throws {
        try Self.check(Self.opened + """
            3.000 > AT+QIDEACT=1<CR>
            3.400 < <CR><LF>OK<CR><LF>
            3.500 < <CR><LF>+QSSLURC: "closed",4<CR><LF>
            4.000 > AT+QSSLCLOSE=4<CR>
            4.100 < <CR><LF>OK<CR><LF>
            """, ["pdp.deact-with-open-ssl:warning", "ssl.closed-by-peer:warning"])
        try Self.check(Self.opened + """
            3.000 > AT+QSSLCLOSE=4<CR>
            3.100 < <CR><LF>OK<CR><LF>
            4.000 > AT+QIDEACT=1<CR>
            4.400 < <CR><LF>OK<CR><LF>
            """, [])
    }

    static let tcpOpened = """
        0.000 > AT+QIACT=1<CR>
        0.500 < <CR><LF>OK<CR><LF>
        1.000 > AT+QIOPEN=1,0,"TCP","1.2.3.4",80,0,0<CR>
        1.020 < <CR><LF>OK<CR><LF>

        """

    @Test func socketOpenFailure() throws {
        try Self.check(Self.tcpOpened + "2.000 < <CR><LF>+QIOPEN: 0,566<CR><LF>\n", ["tcp.open-failed:error"])
        try Self.check(Self.tcpOpened + """
            2.000 < <CR><LF>+QIOPEN: 0,0<CR><LF>
            3.000 > AT+QICLOSE=0<CR>
            3.100 < <CR><LF>OK<CR><LF>
            """, [])
    }

    @Test func socketClosedByPeerAndNeverReleased() throws {
        try Self.check(Self.tcpOpened + """
            2.000 < <CR><LF>+QIOPEN: 0,0<CR><LF>
            3.000 < <CR><LF>+QIURC: "closed",0<CR><LF>
            """, ["tcp.close-missing:error", "tcp.closed-by-peer:warning"])
    }

    @Test func socketUsedAfterItClosed() throws {
        try Self.check(Self.tcpOpened + """
            2.000 < <CR><LF>+QIOPEN: 0,0<CR><LF>
            3.000 > AT+QICLOSE=0<CR>
            3.100 < <CR><LF>OK<CR><LF>
            4.000 > AT+QISEND=0,5<CR>
            4.010 < <CR><LF>ERROR<CR><LF>
            """, ["result.error:error", "tcp.not-connected:error"])
    }

    @Test func socketOpenedTwice() throws {
        try Self.check(Self.tcpOpened + """
            2.000 < <CR><LF>+QIOPEN: 0,0<CR><LF>
            3.000 > AT+QIOPEN=1,0,"TCP","1.2.3.4",80,0,0<CR>
            3.010 < <CR><LF>ERROR<CR><LF>
            """, ["result.error:error", "tcp.socket-in-use:error"])
    }

    @Test func mqttFailures() throws {
        try Self.check("""
            0.000 > AT+QMTOPEN=0,"broker",1883<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QMTOPEN: 0,3<CR><LF>
            """, ["mqtt.open-failed:error"])
        try Self.check("""
            0.000 > AT+QMTCONN=0,"client"<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QMTCONN: 0,0,5<CR><LF>
            2.000 < <CR><LF>+QMTSTAT: 0,2<CR><LF>
            3.000 < <CR><LF>+QMTSTAT: 0,5<CR><LF>
            """, ["mqtt.connect-failed:error", "mqtt.link-lost:info", "mqtt.link-lost:warning"])
        try Self.check("""
            0.000 > AT+QMTPUB=0,1,1,0,"t"<CR>
            0.020 < <CR><LF>><SP>
            0.030 > hi<SUB>
            0.050 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QMTPUB: 0,1,2<CR><LF>
            """, ["mqtt.send-failed:error"])
    }

    /// Regression: the MQTT result findings named no transaction, though each result URC
    /// answers the command that asked for it (product.md §2.2, §7.3).
    @Test func mqttFindingsPointAtTheirCommand() throws {
        let findings = try AnalyzerHarness.findings(script: """
            0.000 > AT+QMTOPEN=0,"broker",1883<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QMTOPEN: 0,0<CR><LF>
            2.000 > AT+QMTCONN=0,"client"<CR>
            2.020 < <CR><LF>OK<CR><LF>
            3.000 < <CR><LF>+QMTCONN: 0,0,4<CR><LF>
            4.000 > AT+QMTPUB=0,1,1,0,"t"<CR>
            4.020 < <CR><LF>><SP>
            4.030 > hi<SUB>
            4.050 < <CR><LF>OK<CR><LF>
            5.000 < <CR><LF>+QMTPUB: 0,1,2<CR><LF>
            6.000 < <CR><LF>+QMTSTAT: 0,1<CR><LF>
            """)
        #expect(findings.named(.mqttConnectFailed).map(\.transaction) == [2])
        #expect(findings.named(.mqttSendFailed).map(\.transaction) == [3])
        #expect(findings.named(.mqttLinkLost).map(\.transaction) == [nil])
        let failedOpen = try AnalyzerHarness.findings(script: """
            0.000 > AT+QMTOPEN=0,"broker",1883<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QMTOPEN: 0,3<CR><LF>
            """)
        #expect(failedOpen.named(.mqttOpenFailed).map(\.transaction) == [1])
    }

    @Test func httpFailures() throws {
        try Self.check("""
            0.000 > AT+QHTTPGET=60<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QHTTPGET: 714<CR><LF>
            """, ["http.request-failed:error"])
        try Self.check("""
            0.000 > AT+QHTTPGET=60<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 < <CR><LF>+QHTTPGET: 0,404,12<CR><LF>
            """, ["http.status:warning"])
        try Self.check("""
            0.000 > AT+QHTTPGET=60<CR>
            0.020 < <CR><LF>OK<CR><LF>
            61.000 > AT<CR>
            61.010 < <CR><LF>OK<CR><LF>
            """, ["timeout.urc:error"])
    }

    @Test func strayOutput() throws {
        try Self.check("""
            0.000 < <CR><LF>OK<CR><LF>
            1.000 > AT<CR>
            1.010 < <CR><LF>OK<CR><LF>
            """, ["capture.unexpected:info"])
    }

    @Test func keywordParameterOutOfRange() throws {
        try Self.check("""
            0.000 > AT+QSSLCFG="negotiatetime",1,5<CR>
            0.020 < <CR><LF>ERROR<CR><LF>
            """, ["at.param-range:error", "result.error:error"])
        try Self.check("""
            0.000 > AT+QSSLCFG="negotiatetime",1<CR>
            0.020 < <CR><LF>+QSSLCFG: "negotiatetime",1,300<CR><LF><CR><LF>OK<CR><LF>
            """, [])
    }

    /// A repeated line is checked like the first (the analyzer skips only lines it found
    /// clean): every repeat of a faulty line is reported, a clean one never.
    @Test func repeatedLinesAreCheckedEveryTime() throws {
        try Self.check("""
            0.000 > AT+QSSLCFG="negotiatetime",1,5<CR>
            0.020 < <CR><LF>OK<CR><LF>
            1.000 > AT+QSSLCFG="negotiatetime",1,5<CR>
            1.020 < <CR><LF>OK<CR><LF>
            2.000 > AT+QSSLCFG="negotiatetime",1,20<CR>
            2.020 < <CR><LF>OK<CR><LF>
            3.000 > AT+QSSLCFG="negotiatetime",1,20<CR>
            3.020 < <CR><LF>OK<CR><LF>
            4.000 > AT+QSSLCFG="negotiatetime",1,5<CR>
            4.020 < <CR><LF>OK<CR><LF>
            """, ["at.param-range:error", "at.param-range:error", "at.param-range:error"])
    }

    @Test func missingParameter() throws {
        try Self.check("""
            0.000 > AT+QSSLOPEN=1,1<CR>
            0.020 < <CR><LF>ERROR<CR><LF>
            """, ["at.syntax:warning", "result.error:error"])
    }

    @Test func deadlineFollowsTheNegotiateTime() throws {
        // negotiatetime 20 s: the +QSSLOPEN result is due within 170 s, not 450 s.
        try Self.check("""
            0.000 > AT+QIACT=1<CR>
            0.500 < <CR><LF>OK<CR><LF>
            0.600 > AT+QSSLCFG="negotiatetime",1,20<CR>
            0.620 < <CR><LF>OK<CR><LF>
            1.000 > AT+QSSLOPEN=1,1,4,"example.com",443,0<CR>
            1.020 < <CR><LF>OK<CR><LF>
            200.000 > AT<CR>
            200.010 < <CR><LF>OK<CR><LF>
            """, ["timeout.urc:error"])
    }

    @Test func closeDeadlineInMilliseconds() throws {
        // closetimemode 1: close_timeout 10 means 10 ms, so a 300 ms answer is late.
        try Self.check("""
            0.000 > AT+QIACT=1<CR>
            0.500 < <CR><LF>OK<CR><LF>
            0.600 > AT+QSSLCFG="closetimemode",1,1<CR>
            0.620 < <CR><LF>OK<CR><LF>
            1.000 > AT+QSSLOPEN=1,1,4,"example.com",443,0<CR>
            1.020 < <CR><LF>OK<CR><LF>
            2.000 < <CR><LF>+QSSLOPEN: 4,0<CR><LF>
            3.000 > AT+QSSLCLOSE=4,10<CR>
            3.300 < <CR><LF>OK<CR><LF>
            """, ["timeout.final:error"])
    }

    @Test func openFailureMessageCitesTheEvidence() throws {
        let findings = try AnalyzerHarness.findings(script: """
            0.000 > AT+QIACT=1<CR>
            0.500 < <CR><LF>OK<CR><LF>
            0.600 > AT+QSSLCFG="seclevel",1,1<CR>
            0.620 < <CR><LF>OK<CR><LF>
            1.000 > AT+QSSLOPEN=1,1,4,"example.com",443,0<CR>
            1.020 < <CR><LF>OK<CR><LF>
            9.000 < <CR><LF>+QSSLOPEN: 4,569<CR><LF>
            """)
        let open = try #require(findings.named(.sslOpenFailed).first)
        #expect(open.message.contains("569"))
        #expect(open.message.contains("operation timed out"))
        #expect(open.message.contains("seclevel 1 but no CA certificate configured for context 1"))
        #expect(open.transaction == 3)
        #expect(open.client == 4)
        #expect(!findings.named(.sslContextIncomplete).isEmpty)
    }

    @Test func everyRegisteredRuleIsRaisedSomewhere() throws {
        var raised: Set<FindingID> = []
        for sample in AnalyzerSampleTests.expected.keys {
            for entry in AnalyzerSampleTests.expected[sample]! {
                raised.insert(FindingID(String(entry.split(separator: ":")[0])))
            }
        }
        let here: [FindingID] = [.sslCloseIdle, .sslModeMismatch, .sslOrphanURC, .sslStateMismatch, .sslCipherNotInNote,
                                 .pdpDeactivateWithOpenSSL, .tcpOpenFailed, .tcpClosedByPeer, .tcpCloseMissing,
                                 .tcpNotConnected, .tcpSocketInUse, .mqttOpenFailed, .mqttConnectFailed, .mqttLinkLost,
                                 .mqttSendFailed, .httpRequestFailed, .httpStatus, .captureUnexpected, .timeoutURC]
        raised.formUnion(here)
        raised.insert(.captureTruncated) // Samples/captures/failures/truncated-capture.pcap (golden test)
        for rule in FindingRegistry.rules {
            #expect(raised.contains(rule.id), "no test raises \(rule.id)")
        }
    }
}

/// Docs/Findings.md documents every rule of the registry with its severity.
@Suite struct FindingsDocumentationTests {
    @Test func everyRuleIsDocumented() throws {
        let url = AnalyzerHarness.samples.deletingLastPathComponent().appendingPathComponent("Docs/Findings.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        for rule in FindingRegistry.rules {
            #expect(text.contains("### \(rule.id.rawValue)\n"), "Docs/Findings.md has no section for \(rule.id)")
            #expect(text.contains("| [`\(rule.id.rawValue)`]") && text.contains("| \(rule.severity.rawValue) |"),
                    "Docs/Findings.md does not list \(rule.id) as \(rule.severity)")
        }
    }
}
