/// Text the simulated devices and servers exchange: telemetry JSON, HTTP requests and
/// responses, log lines (reference/formats.md §7.1: payloads are "binary or text").
///
/// Payloads are slices of one corpus built once, so producing one costs a copy, not a
/// format. The corpus is printable ASCII with `<CR><LF>` line ends: it never holds 0x1A or
/// 0x1B, so any slice can be a Ctrl+Z-terminated payload.
enum SimulatedText {
    /// The note's own payload (quectel-ssl.md §9).
    static let testData: [UInt8] = Array("Test data from SSL".utf8)

    /// About 16 KiB of varied text; any slice up to ``maximumSlice`` bytes is available.
    static let corpus: [UInt8] = {
        var text: [UInt8] = []
        text.reserveCapacity(20_000)
        var generator = SplitMix64(seed: 0xC0FFEE)
        var sequence = 1
        while text.count < 16_384 {
            switch generator.below(5) {
            case 0:
                text.append(ascii: "{\"device\":\"ec25-")
                text.append(decimal: 1000 + generator.below(9000))
                text.append(ascii: "\",\"seq\":")
                text.append(decimal: sequence)
                text.append(ascii: ",\"temp\":")
                text.append(decimal: 15 + generator.below(20))
                text.append(ascii: ".")
                text.append(decimal: generator.below(10))
                text.append(ascii: ",\"rssi\":-")
                text.append(decimal: 60 + generator.below(50))
                text.append(ascii: ",\"battery\":")
                text.append(decimal: 20 + generator.below(80))
                text.append(ascii: ",\"status\":\"ok\"}\r\n")
            case 1:
                text.append(ascii: "POST /api/v1/telemetry HTTP/1.1\r\nHost: iot.example.com\r\nContent-Type: application/json\r\nContent-Length: ")
                text.append(decimal: 40 + generator.below(400))
                text.append(ascii: "\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.")
                text.append(decimal: 100_000 + generator.below(900_000))
                text.append(ascii: "\r\n\r\n")
            case 2:
                text.append(ascii: "HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 10:")
                text.append(decimal: 10 + generator.below(50))
                text.append(ascii: ":00 GMT\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n\r\n{\"ack\":")
                text.append(decimal: sequence)
                text.append(ascii: ",\"next_poll_s\":")
                text.append(decimal: 30 + generator.below(300))
                text.append(ascii: "}\r\n")
            case 3:
                text.append(ascii: "2026-11-24T10:")
                text.append(decimal: 10 + generator.below(50))
                text.append(ascii: ":")
                text.append(decimal: 10 + generator.below(50))
                text.append(ascii: "Z meter=")
                text.append(decimal: generator.below(100_000))
                text.append(ascii: " flow=")
                text.append(decimal: generator.below(1000))
                text.append(ascii: " valve=open alarm=none\r\n")
            default:
                text.append(ascii: "<html><head><title>status</title></head><body><p>device ")
                text.append(decimal: sequence)
                text.append(ascii: " online, firmware EC25EFAR06A08M4G</p></body></html>\r\n")
            }
            sequence += 1
        }
        return text
    }()

    static let maximumSlice = 4096

    /// `count` bytes of text starting at a random place.
    static func slice(_ count: Int, using generator: inout SplitMix64) -> ArraySlice<UInt8> {
        precondition(count <= maximumSlice, "text payloads are at most \(maximumSlice) bytes")
        let start = generator.below(corpus.count - count)
        return corpus[start..<(start + count)]
    }
}
