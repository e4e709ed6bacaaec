/// A `+CME ERROR: <err>` code (3GPP TS 27.007 §9.2, with Quectel's family ranges from
/// reference/catalog.md §5.2–5.5). A struct, not an enum, so unknown vendor codes survive.
public struct CMEError: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 0 "phone failure".
    public static let phoneFailure = CMEError(rawValue: 0)
    /// 3 "operation not allowed".
    public static let operationNotAllowed = CMEError(rawValue: 3)
    /// 4 "operation not supported".
    public static let operationNotSupported = CMEError(rawValue: 4)
    /// 10 "SIM not inserted".
    public static let simNotInserted = CMEError(rawValue: 10)
    /// 11 "SIM PIN required".
    public static let simPINRequired = CMEError(rawValue: 11)
    /// 30 "no network service".
    public static let noNetworkService = CMEError(rawValue: 30)

    /// The meaning in our words, or `nil` for a code no table lists.
    public var meaning: String? {
        Self.meanings[rawValue]
    }

    /// Which document family the code belongs to.
    public var family: String {
        switch rawValue {
        case 400...426: "Quectel FILE"
        case 501...549: "Quectel GNSS"
        case 550...574: "Quectel TCP/IP and SSL"
        case 601...631: "Quectel FTP(S)"
        case 701...730: "Quectel HTTP(S)"
        case 901...904: "Quectel audio"
        default: "3GPP TS 27.007"
        }
    }

    /// Looks up a verbose `+CME ERROR: <text>` (AT+CMEE=2), ignoring case.
    public init?(verbose text: String) {
        let key = text.lowercased().trimmingSpaces
        guard let code = Self.meanings.first(where: { $0.value.lowercased() == key })?.key else { return nil }
        self.rawValue = code
    }

    static let meanings: [Int: String] = [
        0: "phone failure", 1: "no connection to phone", 2: "phone-adaptor link reserved",
        3: "operation not allowed", 4: "operation not supported", 5: "PH-SIM PIN required",
        6: "PH-FSIM PIN required", 7: "PH-FSIM PUK required", 10: "SIM not inserted",
        11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy",
        15: "SIM wrong", 16: "incorrect password", 17: "SIM PIN2 required", 18: "SIM PUK2 required",
        20: "memory full", 21: "invalid index", 22: "not found", 23: "memory failure",
        24: "text string too long", 25: "invalid characters in text string", 26: "dial string too long",
        27: "invalid characters in dial string", 30: "no network service", 31: "network timeout",
        32: "network not allowed - emergency calls only", 40: "network personalization PIN required",
        41: "network personalization PUK required", 42: "network subset personalization PIN required",
        43: "network subset personalization PUK required", 44: "service provider personalization PIN required",
        45: "service provider personalization PUK required", 46: "corporate personalization PIN required",
        47: "corporate personalization PUK required", 48: "hidden key required",
        49: "EAP method not supported", 50: "incorrect parameters", 51: "command disabled",
        52: "command aborted", 53: "not attached to network due to MT functionality restrictions",
        54: "modem not allowed - MT restricted to emergency calls only",
        55: "operation not allowed because of MT functionality restrictions",
        56: "fixed dial number only allowed", 57: "temporarily out of service due to other MT usage",
        58: "language/alphabet not supported", 59: "unexpected data value", 60: "system failure",
        61: "data missing", 62: "call barred", 63: "message waiting indication subscription failure",
        100: "unknown", 102: "IMSI unknown in HLR", 103: "illegal MS", 104: "IMSI unknown in VLR",
        105: "IMEI not accepted", 106: "illegal ME", 107: "GPRS services not allowed",
        108: "GPRS and non-GPRS services not allowed", 111: "PLMN not allowed",
        112: "location area not allowed", 113: "roaming not allowed in this location area",
        114: "GPRS services not allowed in this PLMN", 115: "no suitable cells in location area",
        122: "congestion", 126: "insufficient resources", 127: "missing or unknown APN",
        128: "unknown PDP address or type", 129: "user authentication failed",
        130: "activation rejected by GGSN, serving GW or PDN GW", 131: "activation rejected, unspecified",
        132: "service option not supported", 133: "requested service option not subscribed",
        134: "service option temporarily out of order", 148: "unspecified GPRS error",
        149: "PDP authentication failure", 150: "invalid mobile class",
        // Quectel FILE (catalog.md §5.2)
        400: "invalid input value", 401: "larger than the size of the file", 402: "read zero byte",
        403: "drive full", 405: "file not found", 406: "invalid file name", 407: "file already existed",
        409: "fail to write the file", 410: "fail to open the file", 411: "fail to read the file",
        413: "max number of open files reached", 414: "file is read-only", 416: "invalid file descriptor",
        417: "fail to list the file", 418: "fail to delete the file", 419: "fail to get disk info",
        420: "no space", 421: "time out", 423: "file too large", 425: "invalid parameter",
        426: "file already opened",
        // Quectel HTTP(S) (catalog.md §5.3)
        701: "HTTP(S) unknown error", 702: "HTTP(S) timeout", 703: "HTTP(S) busy", 704: "HTTP(S) UART busy",
        705: "HTTP(S) no GET/POST requests", 706: "HTTP(S) network busy", 707: "HTTP(S) network open failed",
        708: "HTTP(S) network no configuration", 709: "HTTP(S) network deactivated", 710: "HTTP(S) network error",
        711: "HTTP(S) URL error", 712: "HTTP(S) empty URL", 713: "HTTP(S) IP address error",
        714: "HTTP(S) DNS error", 715: "HTTP(S) socket create error", 716: "HTTP(S) socket connect error",
        717: "HTTP(S) socket read error", 718: "HTTP(S) socket write error", 719: "HTTP(S) socket closed",
        720: "HTTP(S) data encode error", 721: "HTTP(S) data decode error", 722: "HTTP(S) read timeout",
        723: "HTTP(S) response failed", 724: "HTTP(S) incoming call busy", 725: "HTTP(S) voice call busy",
        726: "HTTP(S) input timeout", 727: "HTTP(S) wait data timeout", 728: "HTTP(S) wait response timeout",
        729: "HTTP(S) memory allocation failed", 730: "HTTP(S) invalid parameter",
        // Quectel audio (EC2x)
        901: "audio unknown error", 902: "audio invalid parameters", 903: "audio operation not supported",
        904: "audio device busy",
    ]
}

/// A `+CMS ERROR: <err>` code (3GPP TS 27.005 §3.2.5; reference/catalog.md §5.6).
public struct CMSError: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public var meaning: String? { Self.meanings[rawValue] }

    static let meanings: [Int: String] = [
        107: "other general problems", 300: "ME failure", 301: "SMS ME reserved", 302: "operation not allowed",
        303: "operation not supported", 304: "invalid PDU mode", 305: "invalid text mode",
        310: "SIM not inserted", 311: "SIM PIN necessary", 312: "PH SIM PIN necessary", 313: "SIM failure",
        314: "SIM busy", 315: "SIM wrong", 316: "SIM PUK required", 317: "SIM PIN2 required",
        318: "SIM PUK2 required", 320: "memory failure", 321: "invalid memory index", 322: "memory full",
        330: "SMSC address unknown", 331: "no network", 332: "network timeout",
        340: "no +CNMA acknowledgement expected", 350: "unknown", 500: "unknown", 510: "message blocked",
    ]
}

/// The TCP/IP and SSL error codes of `AT+QIGETERROR`, `+QSSLOPEN: <id>,<err>` and
/// `+QIOPEN: <id>,<err>` (quectel-ssl.md §11; reference/catalog.md §5.1).
public struct QuectelSocketError: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 0 "success".
    public static let success = QuectelSocketError(rawValue: 0)
    /// 563 "socket identifier already in use".
    public static let socketInUse = QuectelSocketError(rawValue: 563)
    /// 565 "DNS resolution (parse) failed".
    public static let dnsParseFailed = QuectelSocketError(rawValue: 565)
    /// 566 "socket connection failed".
    public static let connectFailed = QuectelSocketError(rawValue: 566)

    public var meaning: String? { Self.meanings[rawValue] }

    static let meanings: [Int: String] = [
        0: "success", 550: "unknown error", 551: "operation blocked", 552: "invalid parameter",
        553: "not enough memory", 554: "socket creation failed", 555: "operation not supported",
        556: "socket bind failed", 557: "socket listen failed", 558: "socket write failed",
        559: "socket read failed", 560: "socket accept failed", 561: "PDP context activation failed",
        562: "PDP context deactivation failed", 563: "socket identifier already in use", 564: "DNS busy",
        565: "DNS resolution (parse) failed", 566: "socket connection failed", 567: "socket already closed",
        568: "operation busy", 569: "operation timed out", 570: "PDP context broken (deactivated by the network)",
        571: "send cancelled", 572: "operation not allowed", 573: "APN not configured", 574: "port busy",
    ]
}

/// Explains a final result in words (for text output and findings).
public enum ErrorMeaning {
    public static func describe(_ final: FinalResult) -> String? {
        switch final.code {
        case .cmeError:
            if let number = final.numericArgument {
                // Some firmware reports TCP/IP and SSL codes (550–574) as +CME ERROR.
                return CMEError(rawValue: number).meaning ?? QuectelSocketError(rawValue: number).meaning
                    ?? "error \(number) not in the tables"
            }
            return nil
        case .cmsError:
            if let number = final.numericArgument {
                return CMSError(rawValue: number).meaning ?? "error \(number) not in the tables"
            }
            return nil
        case .sendFail:
            return "send buffer full"
        case .noCarrier:
            return "connection ended"
        default:
            return nil
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
