/// Undoes `PARMRK` marking on a sniffed line (capture.md §5.2 B): a literal `FF` arrives as
/// `FF FF`, a byte with a parity or framing error as `FF 00 x`, a break as `FF 00 00`. The
/// clean bytes are recorded as data; the errors become `line_error` and `break` events.
/// Escapes split across reads are carried over to the next chunk.
struct LineErrorDecoder {
    enum Mark: Equatable {
        /// A break condition, before the clean byte at `offset`.
        case lineBreak(offset: Int)
        /// A character received with a parity or framing error (dropped from the data).
        case error(byte: UInt8, offset: Int)
    }

    private enum State {
        case normal
        case sawEscape
        case sawEscapeZero
    }

    private var state = State.normal

    /// The clean bytes of `chunk` and the marks found in it.
    mutating func decode(_ chunk: ArraySlice<UInt8>) -> (bytes: [UInt8], marks: [Mark]) {
        var clean: [UInt8] = []
        clean.reserveCapacity(chunk.count)
        var marks: [Mark] = []
        for byte in chunk {
            switch state {
            case .normal:
                if byte == 0xFF { state = .sawEscape } else { clean.append(byte) }
            case .sawEscape:
                if byte == 0xFF {
                    clean.append(0xFF)
                    state = .normal
                } else if byte == 0x00 {
                    state = .sawEscapeZero
                } else {
                    // Not a marking sequence (marking was off for this byte): keep both.
                    clean.append(0xFF)
                    clean.append(byte)
                    state = .normal
                }
            case .sawEscapeZero:
                marks.append(byte == 0 ? .lineBreak(offset: clean.count) : .error(byte: byte, offset: clean.count))
                state = .normal
            }
        }
        return (clean, marks)
    }
}
