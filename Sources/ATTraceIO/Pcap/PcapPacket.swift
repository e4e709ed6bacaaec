import ATTraceCore

/// One record of a capture exactly as libpcap returns it, whatever the link type
/// (product.md §1: usbmon and other importers start from these).
///
/// `bytes` points into libpcap's buffer: it is valid only inside the closure that received
/// the packet. Copy it (`Array(packet.bytes)`) to keep it.
public struct PcapPacket {
    /// The 1-based record number.
    public var frame: Int
    public var time: Timestamp
    /// The captured bytes (the record's `caplen`).
    public var bytes: UnsafeRawBufferPointer
    /// The length of the record before any snapshot-length cut (the record's `len`).
    public var originalLength: Int

    public init(frame: Int, time: Timestamp, bytes: UnsafeRawBufferPointer, originalLength: Int) {
        self.frame = frame
        self.time = time
        self.bytes = bytes
        self.originalLength = originalLength
    }

    /// Whether the capture cut this record short (fewer bytes captured than it had).
    public var isSnapped: Bool {
        bytes.count < originalLength
    }
}
