import ATTraceCore
import Foundation

extension PcapBytes {
    /// The exported-PDU tag 30 (original frame number) of every serial record of an
    /// attrace capture, per direction (tag 35), in file order.
    static func originalFrameNumbers(of path: String) throws -> [Direction: [UInt32]] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var result: [Direction: [UInt32]] = [:]
        func bigEndian32(_ offset: Int) -> UInt32 {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        var offset = 24
        while offset + 16 <= bytes.count {
            let length = Int(bytes[(offset + 8)..<(offset + 12)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            var position = offset + 16
            let end = position + length
            var direction = Direction.unknown
            var sequence: UInt32?
            while position + 4 <= end {
                let tag = UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
                let tagLength = Int(UInt16(bytes[position + 2]) << 8 | UInt16(bytes[position + 3]))
                if tag == 0 { break }
                if tag == 35 { direction = bigEndian32(position + 4) == 0 ? .host : .modem }
                if tag == 30 { sequence = bigEndian32(position + 4) }
                position += 4 + tagLength
            }
            if let sequence { result[direction, default: []].append(sequence) }
            offset = end
        }
        return result
    }
}
