/// One command of a command line: `AT+CMEE=1;+CREG?` holds two.
public struct ATCommand: Hashable, Sendable {
    /// Canonical name, upper case, with `AT`: `AT+QSSLOPEN`, `ATE`, `AT&D`, `ATS0`, `ATD`,
    /// `AT` for the empty command and `A/` for the repeat (product.md §7.12).
    public var name: String
    public var form: CommandForm
    /// Parameters of the write form; for a basic command its value (`ATE0` → `0`,
    /// `ATD*99#` → `*99#`, `ATS0=1` → `1`).
    public var parameters: [ATParameter]
    /// Problems with the command's syntax (unbalanced quotes, a missing name).
    public var syntaxIssues: [String]

    public init(name: String, form: CommandForm, parameters: [ATParameter] = [], syntaxIssues: [String] = []) {
        self.name = name
        self.form = form
        self.parameters = parameters
        self.syntaxIssues = syntaxIssues
    }

    /// The parameter at `index`, if present and not empty.
    public func parameter(_ index: Int) -> ATParameter? {
        guard index < parameters.count, !parameters[index].isEmpty else { return nil }
        return parameters[index]
    }

    /// The integer value of the parameter at `index`.
    public func integer(_ index: Int) -> Int64? {
        parameter(index)?.integer
    }

    /// `true` for basic (V.250 single-letter, `&x`, `Sn`) commands.
    public var isBasic: Bool {
        !name.hasPrefix("AT+") && !name.hasPrefix("AT$") && !name.hasPrefix("AT^")
            && !name.hasPrefix("AT%") && !name.hasPrefix("AT#") && !name.hasPrefix("AT*")
    }
}
