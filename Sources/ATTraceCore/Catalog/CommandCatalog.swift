/// The command and URC tables, looked up by canonical name.
///
/// Vendor and family tables live in their own files (`CommandCatalog+QuectelSSL.swift`, …);
/// this type only joins them.
public struct CommandCatalog: Sendable {
    /// The tables, in one immutable object: a catalog is copied wherever a decoder or an
    /// analyzer is made, and with one object a copy is one retain.
    private let tables: Tables

    public var commands: [String: CommandSpec] { tables.commands }
    public var urcs: [String: URCSpec] { tables.urcs }

    public init(commands: [CommandSpec], urcs: [URCSpec]) {
        tables = Tables(commands: commands, urcs: urcs)
    }

    private final class Tables: Sendable {
        let commands: [String: CommandSpec]
        let urcs: [String: URCSpec]
        /// The same tables for the decoder's lookups (``NameTable``: no SipHash per line).
        let commandTable: NameTable<CommandSpec>
        let urcTable: NameTable<URCSpec>
        /// Response prefixes whose fields the decoder reads: counted headers, URCs that push
        /// data, and asynchronous results it links to their commands.
        let prefixesWithFields: Set<String>

        init(commands: [CommandSpec], urcs: [URCSpec]) {
            var table: [String: CommandSpec] = [:]
            for spec in commands { table[spec.name] = spec }
            var urcTable: [String: URCSpec] = [:]
            for spec in urcs { urcTable[spec.name] = spec }
            self.commands = table
            self.urcs = urcTable
            commandTable = NameTable(table.map { (name: $0.key, value: $0.value) })
            self.urcTable = NameTable(urcTable.map { (name: $0.key, value: $0.value) })
            prefixesWithFields = Set(commands.compactMap { $0.countedResponse?.prefix }
                                     + commands.flatMap { $0.asyncResults.map(\.urc) }
                                     + urcs.filter { $0.payload != nil }.map(\.name))
        }
    }

    /// Every table the project ships.
    public static let standard = makeStandard()

    /// A new copy of ``standard`` whose specs are objects of its own. Code running on
    /// another thread than the decoder (the analyzer in the decoding pipeline) uses one:
    /// looking a spec up retains it, and two cores retaining the same objects take turns
    /// owning their cache lines on every command.
    public static func makeStandard() -> CommandCatalog {
        CommandCatalog(commands: v250 + ts27007 + ts27005 + quectelGeneral + quectelTCPIP + quectelSSL
                           + quectelFile + quectelHTTP + quectelMQTT,
                       urcs: unsolicitedResultCodes)
    }

    /// The spec for a canonical command name; S-registers without an entry of their own
    /// share a generic one.
    public func command(_ name: String) -> CommandSpec? {
        if let spec = tables.commandTable[name] { return spec }
        if name.hasPrefix("ATS"), name.count > 3, name.dropFirst(3).allSatisfy(\.isNumber) {
            return CommandSpec(name, "S-register \(name.dropFirst(3))", family: .v250, forms: [.read, .write, .test],
                               time: .milliseconds(300), source: "V.250 §6.2; catalog.md §3.1",
                               parameters: [.int("value", 0...255)])
        }
        return nil
    }

    public func urc(_ name: String) -> URCSpec? {
        tables.urcTable[name]
    }

    /// `true` when the decoder reads the fields of lines with this prefix (it parses them
    /// once per distinct line).
    func decoderReadsFields(of prefix: String) -> Bool {
        tables.prefixesWithFields.contains(prefix)
    }
}
