import Foundation

/// Builds pcap files byte by byte, for inputs attrace's own writer never produces (other
/// link types, foreign TLVs, lying lengths, damaged tails).
struct PcapBytes {
    var bytes: [UInt8] = []

    /// A little-endian file header (what every supported host writes).
    init(magic: UInt32 = 0xa1b2_3c4d, versionMajor: UInt16 = 2, versionMinor: UInt16 = 4,
         snapshotLength: UInt32 = 262_144, linkType: UInt32 = 252) {
        appendLittleEndian(magic)
        appendLittleEndian(versionMajor)
        appendLittleEndian(versionMinor)
        appendLittleEndian(UInt32(0))
        appendLittleEndian(UInt32(0))
        appendLittleEndian(snapshotLength)
        appendLittleEndian(linkType)
    }

    /// Appends one record; the lengths default to the data's length.
    mutating func appendRecord(seconds: UInt32 = 1_700_000_000, nanoseconds: UInt32 = 0, data: [UInt8],
                               capturedLength: UInt32? = nil, originalLength: UInt32? = nil) {
        appendLittleEndian(seconds)
        appendLittleEndian(nanoseconds)
        appendLittleEndian(capturedLength ?? UInt32(data.count))
        appendLittleEndian(originalLength ?? UInt32(data.count))
        bytes.append(contentsOf: data)
    }

    func write(to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private mutating func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    // MARK: - Exported-PDU TLVs (big-endian)

    static func tlv(_ tag: UInt16, _ value: [UInt8]) -> [UInt8] {
        bigEndian(tag) + bigEndian(UInt16(value.count)) + value
    }

    static func tlv(_ tag: UInt16, uint32 value: UInt32) -> [UInt8] {
        tlv(tag, bigEndian(value))
    }

    static func tlv(_ tag: UInt16, text: String) -> [UInt8] {
        tlv(tag, Array(text.utf8))
    }

    static let end: [UInt8] = [0, 0, 0, 0]

    static func bigEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
