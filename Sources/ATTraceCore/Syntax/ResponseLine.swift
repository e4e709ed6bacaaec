/// Splits a module line into its prefix and fields: `+QSSLURC: "recv",4,18` has prefix
/// `+QSSLURC` and fields `recv`, `4`, `18` (quectel-ssl.md §7.1: the space after the colon
/// is optional).
public struct ResponseLine: Hashable, Sendable {
    /// `+QSSLURC`, or `nil` for a line without a `+NAME:` prefix (`RDY`, `OK`, `Quectel`).
    public var prefix: String?
    public var fields: [ATParameter]

    public init(_ line: ArraySlice<UInt8>) {
        guard let colon = ResponseLine.prefixEnd(line) else {
            self.prefix = nil
            self.fields = []
            return
        }
        self.prefix = ResponseLine.canonicalName(line[line.startIndex..<colon], keepingSpaces: true)
        self.fields = ParameterList.split(line[(colon + 1)...]).parameters
    }

    public init(_ line: [UInt8]) {
        self.init(line[...])
    }

    /// The index of the `:` that ends a `+NAME:` prefix, if the line has one.
    public static func prefixEnd(_ line: ArraySlice<UInt8>) -> Int? {
        guard let first = line.first, CommandLineParser.isExtendedPrefix(first) else { return nil }
        var index = line.startIndex + 1
        let limit = min(line.endIndex, line.startIndex + 40)
        while index < limit {
            let byte = line[index]
            if byte == UInt8(ascii: ":") { return index > line.startIndex + 1 ? index : nil }
            if !CommandLineParser.isNameCharacter(byte) && byte != 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// The prefix of `line` without building the fields (cheap classification).
    public static func prefix(of line: ArraySlice<UInt8>) -> String? {
        guard let colon = prefixEnd(line) else { return nil }
        return canonicalName(line[line.startIndex..<colon], keepingSpaces: false)
    }

    /// `name` upper-cased (and without spaces unless `keepingSpaces`); built straight from
    /// the bytes in the usual case where it already is (no intermediate buffer).
    static func canonicalName(_ name: ArraySlice<UInt8>, keepingSpaces: Bool) -> String {
        if !name.contains(where: { ($0 == 0x20 && !keepingSpaces) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }) {
            return String(decoding: name, as: UTF8.self)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(name.count)
        for byte in name where byte != 0x20 || keepingSpaces { bytes.append(CommandLineParser.upper(byte)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func field(_ index: Int) -> ATParameter? {
        index < fields.count ? fields[index] : nil
    }

    public func integer(_ index: Int) -> Int64? {
        field(index)?.integer
    }
}
