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
        var name = [UInt8]()
        name.reserveCapacity(colon - line.startIndex)
        for byte in line[line.startIndex..<colon] { name.append(CommandLineParser.upper(byte)) }
        self.prefix = String(decoding: name, as: UTF8.self)
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
        var name = [UInt8]()
        for byte in line[line.startIndex..<colon] where byte != 0x20 {
            name.append(CommandLineParser.upper(byte))
        }
        return String(decoding: name, as: UTF8.self)
    }

    public func field(_ index: Int) -> ATParameter? {
        index < fields.count ? fields[index] : nil
    }

    public func integer(_ index: Int) -> Int64? {
        field(index)?.integer
    }
}
