@testable import ATTraceCore

/// Small conversations covering the decoder's grammar, used by the chunking and
/// accounting tests. Each one is realistic in shape but tiny.
enum DecoderCorpus {
    static var all: [(name: String, conversation: Conversation)] {
        [
            ("g3-buffer-mode", DecoderBasicsTests.g3()),
            ("echo", echo()),
            ("urc-during-and-after-prompt", urcs()),
            ("binary-payloads", binary()),
            ("transparent-escape", transparent()),
            ("transparent-no-carrier", noCarrier()),
            ("plus-plus-plus-data", plusData()),
            ("numeric-results", numeric()),
            ("pipelined", pipelined()),
            ("abandoned", abandoned()),
            ("length-lie", lengthLie()),
            ("upload-download", files()),
            ("http", http()),
            ("garbage", garbage()),
            ("unknown-direction", unknownDirection()),
            ("cancelled", cancelled()),
            ("restart", restart()),
            ("cmt-and-repeat", cmtAndRepeat()),
            ("crlf-host", crlfHost()),
            ("truncated-line", truncatedLine()),
            ("cmux-session", CMUXDecodingTests.session()),
            ("cmux-damaged-frame", CMUXDecodingTests.damagedFrame()),
            ("cmux-module-restart", CMUXDecodingTests.moduleRestart()),
        ]
    }

    static func echo() -> Conversation {
        var c = Conversation()
        c.host(0.0, "ATE1\r")
        c.modem(0.01, "ATE1\r\r\nOK\r\n")
        c.host(0.1, "AT+CSQ\r")
        c.modem(0.11, "AT+CSQ\r")
        c.modem(0.12, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        c.host(0.2, "AT+QSSLSEND=4,5\r")
        c.modem(0.21, "AT+QSSLSEND=4,5\r\r\n> ")
        c.host(0.3, "hel")
        c.host(0.31, "lo")
        c.modem(0.35, "\r\nSEND OK\r\n")
        return c
    }

    static func urcs() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CREG?\r")
        c.modem(0.1, "\r\n+CREG: 0,1\r\n\r\nOK\r\n")
        c.modem(0.5, "\r\n+CREG: 1\r\n")
        c.host(1.0, "AT+QSSLSEND=4\r")
        c.modem(1.01, "\r\n> ")
        c.modem(1.02, "\r\n+QSSLURC: \"recv\",4\r\n")
        c.host(1.1, "abc\u{1A}")
        c.modem(1.2, "\r\nSEND OK\r\n")
        c.modem(1.3, "\r\n+QSSLU")
        c.modem(1.31, "RC: \"closed\",4\r\n")
        return c
    }

    static func binary() -> Conversation {
        var c = Conversation()
        let evil = "\r\nOK\r\n+QSSLURC: \"closed\",4\r\n\u{0}\u{1A}x"
        c.host(0.0, "AT+QSSLSEND=4,\(evil.utf8.count)\r")
        c.modem(0.01, "\r\n> ")
        c.host(0.02, evil)
        c.modem(0.05, "\r\nSEND OK\r\n")
        c.host(1.0, "AT+QSSLRECV=4,1500\r")
        c.modem(1.01, "\r\n+QSSLRECV: \(evil.utf8.count)\r\n\(evil)\r\n\r\nOK\r\n")
        c.modem(2.0, "\r\n+QSSLURC: \"recv\",4,\(evil.utf8.count)\r\n\(evil)")
        c.host(3.0, "AT+QIRD=0,1500\r")
        c.modem(3.01, "\r\n+QIRD: 4\r\nOK\r\n\r\n\r\nOK\r\n")
        c.host(3.5, "AT+QIRD=0,0\r")
        c.modem(3.51, "\r\n+QIRD: 4,4,0\r\n\r\nOK\r\n")
        return c
    }

    static func transparent() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QSSLOPEN=1,1,4,\"220.180.239.212\",8011,2\r")
        c.modem(1.9, "\r\nCONNECT\r\n")
        c.host(2.5, "Test data from SSL")
        c.modem(2.6, "AT+FAKE\r\nOK\r\n")
        c.modem(2.7, "more\r")
        c.host(4.0, "+")
        c.host(4.1, "++")
        c.modem(5.1, "\r\nOK\r\n")
        c.host(6.0, "ATO\r")
        c.modem(6.1, "\r\nCONNECT\r\n")
        c.host(6.5, "x+++y")
        c.modem(7.0, "z")
        c.host(8.0, "+++")
        c.modem(9.1, "\r\nOK\r\n")
        c.host(10.0, "AT+QSSLCLOSE=4\r")
        c.modem(10.3, "\r\nOK\r\n")
        return c
    }

    static func noCarrier() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QIOPEN=1,0,\"TCP\",\"h\",1,0,2\r")
        c.modem(1.0, "\r\nCONNECT\r\n")
        c.host(2.0, "abc")
        c.modem(3.0, "xyz\r\nNO CARRIER\r\n")
        c.host(4.0, "ATO\r")
        c.modem(4.1, "\r\nNO CARRIER\r\n")
        c.host(5.0, "AT+QICLOSE=0\r")
        c.modem(5.1, "\r\nOK\r\n")
        return c
    }

    static func plusData() -> Conversation {
        var c = Conversation()
        c.host(0.0, "ATD*99#\r")
        c.modem(0.1, "\r\nCONNECT 150000000\r\n")
        c.host(1.0, "+++")
        c.modem(1.5, "more data")
        c.host(2.0, "tail")
        return c
    }

    static func numeric() -> Conversation {
        var c = Conversation()
        c.host(0.0, "ATV0\r")
        c.modem(0.01, "0\r")
        c.host(0.1, "AT+CSQ\r")
        c.modem(0.11, "+CSQ: 20,99\r\n0\r")
        c.host(0.2, "AT+FOO\r")
        c.modem(0.21, "4\r")
        c.host(0.3, "ATV1\r")
        c.modem(0.31, "\r\nOK\r\n")
        return c
    }

    static func pipelined() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CSQ\r")
        c.host(0.01, "AT+CREG?\r")
        c.modem(0.05, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        c.modem(0.06, "\r\n+CREG: 0,1\r\n\r\nOK\r\n")
        return c
    }

    static func abandoned() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CSQ\r")
        c.host(2.0, "AT\r")
        c.modem(2.01, "\r\nOK\r\n")
        c.host(3.0, "AT+QIACT=1\r")
        return c
    }

    static func lengthLie() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QSSLRECV=4,1500\r")
        c.modem(0.01, "\r\n+QSSLRECV: 100\r\n0123456789012345678901234567890123456789\r\n\r\nOK\r\n")
        c.host(1.0, "AT+QSSLSEND=4,20\r")
        c.modem(1.01, "\r\n> ")
        c.host(1.02, "only12bytes!")
        c.modem(1.5, "\r\nERROR\r\n")
        c.host(2.0, "AT\r")
        c.modem(2.01, "\r\nOK\r\n")
        return c
    }

    static func files() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QFUPL=\"RAM:a.pem\",10,60\r")
        c.modem(0.01, "\r\nCONNECT\r\n")
        c.host(0.1, "OK\r\nABCDEF")
        c.host(0.11, "GH")
        c.modem(0.2, "\r\n+QFUPL: 10,3fa1\r\n\r\nOK\r\n")
        c.host(1.0, "AT+QFUPL=\"RAM:b\",2048,60,1\r")
        c.modem(1.01, "\r\nCONNECT\r\n")
        c.host(1.1, String(repeating: "x", count: 1024))
        c.modem(1.11, "A")
        c.host(1.2, String(repeating: "y", count: 1024))
        c.modem(1.21, "A")
        c.modem(1.3, "\r\n+QFUPL: 2048,0\r\n\r\nOK\r\n")
        c.host(2.0, "AT+QFDWL=\"RAM:a.pem\"\r")
        c.modem(2.01, "\r\nCONNECT\r\nOK\r\nABCDEFGH\r\n+QFDWL: 10,3fa1\r\n\r\nOK\r\n")
        c.host(3.0, "AT+QFREAD=1,10\r")
        c.modem(3.01, "\r\nCONNECT 10\r\n\r\nOK\r\nABCD\r\nOK\r\n")
        return c
    }

    static func http() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QHTTPURL=23,80\r")
        c.modem(0.01, "\r\nCONNECT\r\n")
        c.host(0.1, "https://example.com/abc")
        c.modem(0.2, "\r\nOK\r\n")
        c.host(1.0, "AT+QHTTPGET=80\r")
        c.modem(1.01, "\r\nOK\r\n")
        c.modem(2.0, "\r\n+QHTTPGET: 0,200,14\r\n")
        c.host(3.0, "AT+QHTTPREAD=80\r")
        c.modem(3.01, "\r\nCONNECT\r\nline\r\nOK\r\nbody\r\n\r\nOK\r\n")
        c.modem(3.02, "\r\n+QHTTPREAD: 0\r\n")
        return c
    }

    static func garbage() -> Conversation {
        var c = Conversation()
        c.modem(0.0, "\u{F0}\u{8E}\u{FE}\r\n\u{80}\u{81}\u{82}\r\n")
        c.host(0.5, "\u{7E}\u{FF}\u{7D}\r")
        c.host(1.0, "AT\r")
        c.modem(1.01, "\r\nOK\r\n")
        c.modem(1.5, "\r\nOK\r\n")
        c.modem(1.6, "\r\nhello there\r\n")
        return c
    }

    static func unknownDirection() -> Conversation {
        var c = Conversation()
        c.unknown(0.0, "AT+QSSLSEND=4,5\r")
        c.unknown(0.01, "AT+QSSLSEND=4,5\r")
        c.unknown(0.02, "\r\n> ")
        c.unknown(0.03, "\r\nOK\r")
        c.unknown(0.04, "\n")
        c.unknown(0.05, "\r\nSEND OK\r\n")
        c.unknown(1.0, "AT+QSSLRECV=4,1500\r")
        c.unknown(1.01, "\r\n+QSSLRECV: 3\r\nA\r\n\r\n\r\nOK\r\n")
        return c
    }

    static func cancelled() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QSSLSEND=4\r")
        c.modem(0.01, "\r\n> ")
        c.host(0.1, "abandon\u{1B}")
        c.host(1.0, "AT+QSSLSEND=4\r")
        c.modem(1.01, "\r\n> ")
        c.host(1.1, "x\u{1B}")
        c.modem(1.2, "\r\nOK\r\n")
        return c
    }

    static func restart() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+QIACT=1\r")
        c.modem(5.0, "\r\nRDY\r\n")
        c.modem(6.0, "\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n")
        c.host(7.0, "AT\r")
        c.modem(7.01, "\r\nOK\r\n")
        return c
    }

    static func cmtAndRepeat() -> Conversation {
        var c = Conversation()
        c.modem(0.0, "\r\n+CMT: \"+123\",,\"23/11/24,10:00:00+00\"\r\nHello OK\r\n")
        c.host(1.0, "AT+CSQ\r")
        c.modem(1.01, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        c.host(2.0, "A/")
        c.modem(2.01, "\r\n+CSQ: 21,99\r\n\r\nOK\r\n")
        c.host(3.0, "AT+CMEE=1;+CREG?\r")
        c.modem(3.01, "\r\n+CREG: 0,1\r\n\r\nOK\r\n")
        return c
    }

    static func crlfHost() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT\r\n")
        c.modem(0.01, "\r\nOK\r\n")
        c.host(0.1, "AT+CSQ\r")
        c.host(0.11, "\n")
        c.modem(0.12, "\r\n+CSQ: 1,2\r\n\r\nOK\r\n")
        return c
    }

    static func truncatedLine() -> Conversation {
        var c = Conversation()
        c.host(0.0, "AT+CSQ\r")
        c.modem(0.01, "\r\n+CSQ: 20,")
        return c
    }
}
