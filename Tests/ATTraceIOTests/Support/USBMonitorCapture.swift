import ATTraceCore
import Foundation

/// Builds usbmon captures byte by byte (formats.md §4): the 64-byte headers of link type
/// 220 or the 48-byte headers of link type 189, in little-endian host order, with the
/// events `tcpdump -i usbmonN` records for a USB serial modem — bulk OUT submit with data
/// and its complete without, bulk IN submit without data and its complete with it — plus
/// other endpoints' traffic and control transfers as noise.
struct USBMonitorCapture {
    let linkType: UInt32
    private(set) var pcap: PcapBytes
    private var urb: UInt64 = 0xFFFF_8C3A_4F21_0000

    init(linkType: UInt32 = 220) {
        self.linkType = linkType
        // tcpdump writes microsecond pcap.
        pcap = PcapBytes(magic: 0xA1B2_C3D4, linkType: linkType)
    }

    var bytes: [UInt8] { pcap.bytes }

    /// Host → modem: the data rides on the submit event.
    mutating func bulkOut(bus: UInt16 = 1, device: UInt8, endpoint: UInt8, time: Timestamp, data: [UInt8]) {
        let tag = nextURB()
        event("S", transfer: 3, endpoint: endpoint, device: device, bus: bus, time: time, status: -115,
              urbLength: UInt32(data.count), data: data, urb: tag)
        event("C", transfer: 3, endpoint: endpoint, device: device, bus: bus, time: time.adding(.init(nanoseconds: 120_000)),
              status: 0, urbLength: UInt32(data.count), data: [], flag: UInt8(ascii: ">"), urb: tag)
    }

    /// Modem → host: a buffer is queued (no data), the complete event carries the bytes.
    mutating func bulkIn(bus: UInt16 = 1, device: UInt8, endpoint: UInt8, time: Timestamp, data: [UInt8]) {
        let tag = nextURB()
        event("S", transfer: 3, endpoint: endpoint | 0x80, device: device, bus: bus,
              time: time.adding(.init(nanoseconds: -2_000_000)), status: -115, urbLength: 4096, data: [],
              flag: UInt8(ascii: "<"), urb: tag)
        event("C", transfer: 3, endpoint: endpoint | 0x80, device: device, bus: bus, time: time, status: 0,
              urbLength: UInt32(data.count), data: data, urb: tag)
    }

    /// GET_DESCRIPTOR (device) on endpoint 0: setup on the submit, the descriptor on the complete.
    mutating func getDescriptor(bus: UInt16 = 1, device: UInt8, time: Timestamp) {
        let tag = nextURB()
        let setup: [UInt8] = [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00]
        event("S", transfer: 2, endpoint: 0x80, device: device, bus: bus, time: time, status: -115, urbLength: 18,
              data: [], flag: UInt8(ascii: "<"), setup: setup, urb: tag)
        let descriptor: [UInt8] = [0x12, 0x01, 0x00, 0x02, 0xEF, 0x02, 0x01, 0x40, 0x7C, 0x2C, 0x25, 0x01,
                                   0x18, 0x03, 0x01, 0x02, 0x03, 0x01]
        event("C", transfer: 2, endpoint: 0x80, device: device, bus: bus, time: time.adding(.init(nanoseconds: 300_000)),
              status: 0, urbLength: 18, data: descriptor, urb: tag)
    }

    /// An interrupt IN completion (a CDC notification, a mouse report).
    mutating func interruptIn(bus: UInt16 = 1, device: UInt8, endpoint: UInt8, time: Timestamp, data: [UInt8]) {
        event("C", transfer: 1, endpoint: endpoint | 0x80, device: device, bus: bus, time: time, status: 0,
              urbLength: UInt32(data.count), data: data, urb: nextURB())
    }

    private mutating func nextURB() -> UInt64 {
        urb &+= 0x40
        return urb
    }

    private mutating func event(_ type: Character, transfer: UInt8, endpoint: UInt8, device: UInt8, bus: UInt16,
                                time: Timestamp, status: Int32, urbLength: UInt32, data: [UInt8],
                                flag: UInt8 = 0, setup: [UInt8]? = nil, urb: UInt64) {
        var header: [UInt8] = []
        func append<Value: FixedWidthInteger>(_ value: Value) {
            withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) }
        }
        let (seconds, nanoseconds) = time.secondsAndFraction
        append(urb)
        header.append(type.asciiValue!)
        header.append(transfer)
        header.append(endpoint)
        header.append(device)
        append(bus)
        header.append(setup == nil ? UInt8(ascii: "-") : 0)
        header.append(data.isEmpty && flag != 0 ? flag : 0)
        append(Int64(seconds))
        append(Int32(nanoseconds / 1_000))
        append(status)
        append(urbLength)
        append(UInt32(data.count))
        header.append(contentsOf: setup ?? [UInt8](repeating: 0, count: 8))
        if linkType == 220 {
            append(Int32(transfer == 1 ? 8 : 0))   // interval
            append(Int32(-1))                       // start_frame
            append(UInt32(transfer == 3 ? 0x200 : 0)) // xfer_flags
            append(UInt32(0))                       // ndesc
        }
        pcap.appendRecord(seconds: UInt32(seconds), nanoseconds: UInt32(nanoseconds / 1_000), data: header + data)
    }
}

extension USBMonitorCapture {
    /// The AT traffic of a trace script on a Quectel EC25's AT port (device 1.5, bulk OUT
    /// 0x03, IN 0x84), with the other interfaces' traffic around it: the DM port (binary
    /// frames on 0x01/0x81), the NMEA port (0x82, sentences), interrupt notifications on 0x85,
    /// a keyboard on device 1.2, and enumeration's GET_DESCRIPTOR.
    static func quectelSession(from records: [CaptureRecord], linkType: UInt32) -> USBMonitorCapture {
        var capture = USBMonitorCapture(linkType: linkType)
        guard let first = records.compactMap(\.time).first else { return capture }
        capture.getDescriptor(device: 5, time: first.adding(.init(nanoseconds: -900_000_000)))
        capture.bulkOut(device: 5, endpoint: 0x01, time: first.adding(.init(nanoseconds: -800_000_000)),
                        data: [0x7E, 0x4B, 0x0F, 0x00, 0x00, 0xBB, 0x60, 0x7E])
        capture.bulkIn(device: 5, endpoint: 0x01, time: first.adding(.init(nanoseconds: -790_000_000)),
                       data: [0x7E, 0x4B, 0x0F, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x13, 0x37, 0x7E])
        var index = 0
        for record in records {
            guard case .chunk(let chunk) = record else { continue }
            switch chunk.direction {
            case .host:
                capture.bulkOut(device: 5, endpoint: 0x03, time: chunk.time, data: chunk.bytes)
            default:
                capture.bulkIn(device: 5, endpoint: 0x04, time: chunk.time, data: chunk.bytes)
            }
            index += 1
            if index % 3 == 0 {
                capture.bulkIn(device: 5, endpoint: 0x02, time: chunk.time.adding(.init(nanoseconds: 5_000_000)),
                               data: Array("$GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30*70\r\n".utf8))
                capture.interruptIn(device: 2, endpoint: 0x01, time: chunk.time.adding(.init(nanoseconds: 7_000_000)),
                                    data: [0, 0, 0x04, 0, 0, 0, 0, 0])
            }
            if index % 5 == 0 {
                capture.interruptIn(device: 5, endpoint: 0x05, time: chunk.time.adding(.init(nanoseconds: 9_000_000)),
                                    data: [0xA1, 0x20, 0, 0, 2, 0, 2, 0, 3, 0])
                capture.bulkIn(device: 5, endpoint: 0x01, time: chunk.time.adding(.init(nanoseconds: 11_000_000)),
                               data: [0x7E, 0x10, 0x00, 0x12, 0x00, 0x41, 0x54, 0x0D, 0xC3, 0x7E])
            }
        }
        return capture
    }
}
