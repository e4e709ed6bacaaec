import CPcap

/// The pcap link-layer header types a capture reader accepts (product.md §1; formats.md
/// §1.1, §1.2, §1.4, §4).
///
/// The reader exposes a file's link type as the plain `Int32` libpcap reports, so types it
/// does not name here still reach the command layer intact.
public enum LinkType {
    /// `LINKTYPE_WIRESHARK_UPPER_PDU`: exported-PDU TLVs, then the serial bytes (attrace's own format).
    public static let wiresharkUpperPDU: Int32 = 252
    /// `LINKTYPE_USER0` … `LINKTYPE_USER15`: private encapsulations, read as raw serial bytes.
    public static let user: ClosedRange<Int32> = 147...162
    /// `LINKTYPE_RTAC_SERIAL`: SEL RTAC serial-line captures, read as raw serial bytes.
    public static let rtacSerial: Int32 = 250
    /// `LINKTYPE_USB_LINUX`: usbmon with the 48-byte header.
    public static let usbLinux: Int32 = 189
    /// `LINKTYPE_USB_LINUX_MMAPPED`: usbmon with the 64-byte header (what `tcpdump -i usbmonN` writes).
    public static let usbLinuxMemoryMapped: Int32 = 220

    /// Whether records of this link type are serial bytes without a header attrace understands.
    public static func isRawSerial(_ linkType: Int32) -> Bool {
        user.contains(linkType) || linkType == rtacSerial
    }

    /// Whether this is a usbmon link type (read by a usbmon importer through raw packets).
    public static func isUSBMonitor(_ linkType: Int32) -> Bool {
        linkType == usbLinux || linkType == usbLinuxMemoryMapped
    }

    /// libpcap's description of a link type in parentheses, or nothing when it has none.
    static func describe(_ linkType: Int32) -> String {
        if let text = pcap_datalink_val_to_description(linkType) {
            return " (\(String(cString: text)))"
        }
        if let text = pcap_datalink_val_to_name(linkType) {
            return " (\(String(cString: text)))"
        }
        return ""
    }
}
