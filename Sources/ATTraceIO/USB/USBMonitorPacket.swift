import ATTraceCore

/// One usbmon event record (formats.md §4): the 48-byte header of link type 189 or the
/// 64-byte header of link type 220, then `data_len` bytes of payload.
///
/// The header fields are in the capturing host's byte order, which libpcap already turned
/// into this host's (it swaps usbmon headers of other-endian files), so they are read in
/// native order.
public struct USBMonitorPacket: Hashable, Sendable {
    public enum EventType: UInt8, Hashable, Sendable {
        case submit = 0x53     // 'S'
        case complete = 0x43   // 'C'
        case error = 0x45      // 'E'
    }

    public enum TransferType: UInt8, Hashable, Sendable {
        case isochronous = 0
        case interrupt = 1
        case control = 2
        case bulk = 3
    }

    /// The URB tag: the same in the submit and complete event of one transfer.
    public var urb: UInt64
    public var event: EventType
    public var transfer: TransferType
    /// The endpoint address: bit 7 set for IN (device → host).
    public var endpoint: UInt8
    public var device: UInt8
    public var bus: UInt16
    /// Whether data follows the header (`data_flag` is 0).
    public var hasData: Bool
    /// The kernel's timestamp of the event.
    public var time: Timestamp
    public var status: Int32
    /// The requested length on submit, the transferred length on complete.
    public var urbLength: UInt32
    /// The payload captured after the header.
    public var data: [UInt8]

    /// Header sizes by link type.
    public static func headerLength(linkType: Int32) -> Int? {
        switch linkType {
        case LinkType.usbLinux: 48
        case LinkType.usbLinuxMemoryMapped: 64
        default: nil
        }
    }

    public var isInput: Bool { endpoint & 0x80 != 0 }
    public var endpointNumber: UInt8 { endpoint & 0x7F }

    /// Parses one record; `nil` when it is shorter than its header or has unknown codes.
    public init?(_ bytes: UnsafeRawBufferPointer, linkType: Int32) {
        guard let headerLength = Self.headerLength(linkType: linkType), bytes.count >= headerLength,
              let event = EventType(rawValue: bytes[8]), let transfer = TransferType(rawValue: bytes[9]) else { return nil }
        self.urb = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        self.event = event
        self.transfer = transfer
        self.endpoint = bytes[10]
        self.device = bytes[11]
        self.bus = bytes.loadUnaligned(fromByteOffset: 12, as: UInt16.self)
        self.hasData = bytes[15] == 0
        let seconds = bytes.loadUnaligned(fromByteOffset: 16, as: Int64.self)
        let microseconds = bytes.loadUnaligned(fromByteOffset: 24, as: Int32.self)
        self.time = Timestamp(seconds: seconds, nanoseconds: Int64(microseconds) * 1_000)
        self.status = bytes.loadUnaligned(fromByteOffset: 28, as: Int32.self)
        self.urbLength = bytes.loadUnaligned(fromByteOffset: 32, as: UInt32.self)
        let dataLength = Int(bytes.loadUnaligned(fromByteOffset: 36, as: UInt32.self))
        // Isochronous descriptors (16 bytes each) sit between the 64-byte header and the data.
        var dataStart = headerLength
        if headerLength == 64 && transfer == .isochronous {
            dataStart += 16 * Int(bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self))
        }
        if hasData && dataLength > 0 && dataStart < bytes.count {
            data = Array(bytes[dataStart..<min(bytes.count, dataStart + dataLength)])
        } else {
            data = []
        }
    }

    /// The serial bytes the event carries for an AT port: bulk OUT submit data (host →
    /// modem) and bulk IN complete data (modem → host); `nil` for every other event.
    public var serialPayload: (direction: Direction, bytes: [UInt8])? {
        guard transfer == .bulk, hasData, !data.isEmpty else { return nil }
        switch (event, isInput) {
        case (.submit, false): return (.host, data)
        case (.complete, true): return (.modem, data)
        default: return nil
        }
    }
}
