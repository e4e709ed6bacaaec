/// The field-log dialects of spec/log-dialects.md, by the ids `--from` takes.
public enum LogDialect: String, CaseIterable, Hashable, Sendable {
    case modemManager = "modemmanager"
    case mmtty
    case socat
    case interceptty
    case mbed
    case stCellular = "stcellular"
    case ewf
    case particle
    case espModemHex = "espmodem-hex"
    case pybytes
    case qNavigator = "qnavigator"
    case serialMonitor = "serial-monitor"
    case tinyGSM = "tinygsm"
    case arrowPair = "arrow-pair"
    case raw
    case regex

    /// The id used by `--from` and in the start event.
    public var id: String { rawValue }

    /// The dialects auto-detection tries, most specific first: ties go to the earlier one,
    /// and `raw` (which recognises any AT traffic) comes last. `regex` needs a pattern.
    public static let detectable: [LogDialect] = [
        .modemManager, .mmtty, .socat, .interceptty, .mbed, .stCellular, .ewf, .particle, .espModemHex,
        .pybytes, .qNavigator, .serialMonitor, .tinyGSM, .arrowPair, .raw,
    ]

    /// What produces the dialect, in a few words.
    public var summary: String {
        switch self {
        case .modemManager: "ModemManager --debug (plain, syslog, journald or OpenWrt logread; legacy form)"
        case .mmtty: "ModemManager port trace without a log prefix: (ttyUSB3): --> '…'"
        case .socat: "socat -v (text) or -x (hex) data dump"
        case .interceptty: "interceptty byte dump: one byte per line, or compacted lines"
        case .mbed: "Mbed OS ATHandler trace: AT TX ( n): / AT RX ( n):"
        case .stCellular: "ST X-CUBE-CELLULAR trace: [date_time:ms] lines with <CR><LF> tokens"
        case .ewf: "Azure RTOS EWF adapter trace: [SEND][n][…] / [RECV][n][…]"
        case .particle: "Particle Device OS: AT send/read with C escapes, or [ncp.at] TRACE: > / <"
        case .espModemHex: "ESP-IDF esp-modem hex dumps after writing: / reading:"
        case .pybytes: "Pycom/Pybytes TX:[…] / RX:[bytearray(b'…')]"
        case .qNavigator: "Quectel QNavigator/QCOM log: [date time:ms_S:] / _R:"
        case .serialMonitor: "Arduino/PlatformIO serial monitor prefix HH:MM:SS.mmm -> around another dialect"
        case .tinyGSM: "TinyGSM StreamDebugger: raw traffic with [ms] ### library lines"
        case .arrowPair: "arrow-pair family: <- / -> , ---> / <---, >> / << markers"
        case .raw: "a terminal paste: commands, echo and responses without markers"
        case .regex: "any line log described by --pattern with named groups dir, time and data"
        }
    }

    /// An example line in the dialect's shape (written for attrace).
    public var example: String {
        switch self {
        case .modemManager: "ModemManager[812]: <debug> [1700000000.123456] [modem0/ttyUSB2/at] --> 'AT+QSSLSTATE<CR>'"
        case .mmtty: "(ttyUSB3): <-- '<CR><LF>OK<CR><LF>'"
        case .socat: "> 2023/11/24 10:00:00.123456  length=9 from=0 to=8"
        case .interceptty: "< 0x41 (A)"
        case .mbed: "[00012345ms][INFO][CELL]: AT RX (  6): <cr><ln>OK<cr><ln>"
        case .stCellular: "[2023-11-24_10:00:00:123]AT+QIRD=1,1500<CR>"
        case .ewf: "[RECV][  20][\\r\\n+CSQ: 20,99\\r\\n\\r\\nOK\\r\\n]"
        case .particle: "12.351 AT read  +   30 \"\\r\\n+CREG: 2,5\\r\\n\""
        case .espModemHex: "D (1234) esp-modem: 0x3ffb0000   41 54 0d   |AT.|"
        case .pybytes: "RX:[bytearray(b'\\r\\n+CSQ: 20,99\\r\\n\\r\\nOK\\r\\n')]"
        case .qNavigator: "[2023-11-24 10:00:00:140_R:] +CSQ: 20,99"
        case .serialMonitor: "10:00:00.123 -> AT+CSQ"
        case .tinyGSM: "[12345] ### Modem: EC25"
        case .arrowPair: "<- AT+QHTTPGET=60 (20736)"
        case .raw: "AT+CSQ"
        case .regex: "--pattern '^(?<time>\\S+) (?<dir>TX|RX) (?<data>.*)$' --dir-out TX --dir-in RX"
        }
    }
}
