/// The command and URC tables, looked up by canonical name.
///
/// Vendor and family tables live in their own files (`CommandCatalog+QuectelSSL.swift`, …);
/// this type only joins them.
public struct CommandCatalog: Sendable {
    public private(set) var commands: [String: CommandSpec]
    public private(set) var urcs: [String: URCSpec]
    /// The same tables for the decoder's lookups (``NameTable``: no SipHash per line).
    private let commandTable: NameTable<CommandSpec>
    private let urcTable: NameTable<URCSpec>

    public init(commands: [CommandSpec], urcs: [URCSpec]) {
        var table: [String: CommandSpec] = [:]
        for spec in commands { table[spec.name] = spec }
        var urcTable: [String: URCSpec] = [:]
        for spec in urcs { urcTable[spec.name] = spec }
        self.commands = table
        self.urcs = urcTable
        commandTable = NameTable(table.map { (name: $0.key, value: $0.value) })
        self.urcTable = NameTable(urcTable.map { (name: $0.key, value: $0.value) })
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
        if let spec = commandTable[name] { return spec }
        if name.hasPrefix("ATS"), name.count > 3, name.dropFirst(3).allSatisfy(\.isNumber) {
            return CommandSpec(name, "S-register \(name.dropFirst(3))", family: .v250, forms: [.read, .write, .test],
                               time: .milliseconds(300), source: "V.250 §6.2; catalog.md §3.1",
                               parameters: [.int("value", 0...255)])
        }
        return nil
    }

    public func urc(_ name: String) -> URCSpec? {
        urcTable[name]
    }
}
