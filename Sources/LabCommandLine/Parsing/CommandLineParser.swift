/// A small parser for `--name value`, `--name=value` and `--flag`. `--help`/`-h` is handled
/// by the caller before parsing.
struct CommandLineParser {
    let command: String
    let options: [OptionSpec]

    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("-"), argument != "-" else {
                parsed.positionals.append(argument)
                continue
            }
            let name: String
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            } else {
                name = argument
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                throw .unknownOption(name, command: command, known: options.map(\.name))
            }
            if !spec.repeatable, parsed.values[name] != nil || parsed.flags.contains(name) {
                throw .repeatedOption(name)
            }
            guard spec.valueName != nil else {
                if inlineValue != nil {
                    throw .invalidValue(option: name, value: inlineValue!, expected: "no value (it is a flag)")
                }
                parsed.flags.insert(name)
                continue
            }
            guard let value = inlineValue ?? remaining.popFirst() else {
                throw .missingValue(option: name, expected: spec.expected)
            }
            parsed.values[name, default: []].append(value)
        }
        return parsed
    }

    /// `arguments` (valid ones: parse them first) in two parts: the options named in `names`,
    /// and the others; each option as `--name value` (or `--name` for a flag), in the order given.
    func split(_ arguments: [String], taking names: Set<String>) -> (taken: [String], others: [String]) {
        var taken: [String] = []
        var others: [String] = []
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            let spec = options.first { $0.name == name }
            if spec?.valueName != nil, value == nil { value = remaining.popFirst() }
            let option = [name] + (value.map { [$0] } ?? [])
            if names.contains(name) { taken += option } else { others += option }
        }
        return (taken, others)
    }

    /// The OPTIONS section of a command's help, one entry per option.
    func optionsHelp() -> String {
        var lines: [String] = []
        for spec in options {
            let head = spec.valueName.map { "\(spec.name) \($0)" } ?? spec.name
            var text = spec.help
            if let defaultDescription = spec.defaultDescription { text += " (default: \(defaultDescription))" }
            lines.append("  \(head)")
            lines.append(contentsOf: wrap(text, width: 72).map { "      " + $0 })
        }
        return lines.joined(separator: "\n")
    }

    /// The options as a Markdown table, as the reference pages show them (`lab help NAME
    /// --markdown`): the same names, help and defaults as ``optionsHelp()``, with defaults that
    /// depend on the machine said as any machine's.
    func optionsTable() -> String {
        func cell(_ text: String) -> String {
            text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
        }
        var lines = ["| option | meaning | default |", "|---|---|---|"]
        for spec in options {
            let head = spec.valueName.map { "\(spec.name) \($0)" } ?? spec.name
            let value = spec.portableDefault ?? spec.defaultDescription ?? (spec.valueName == nil ? "off" : "")
            lines.append("| `\(cell(head))` | \(cell(spec.help)) | \(cell(value)) |")
        }
        return lines.map { $0 + "\n" }.joined()
    }
}

/// Splits text into lines of at most `width` characters at spaces.
func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty, line.count + 1 + word.count > width {
            lines.append(line)
            line = ""
        }
        line += line.isEmpty ? String(word) : " " + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}

/// Splits a comma-separated list, refusing empty lists, empty items and duplicates.
func parseList(_ text: String, option: String, expected: String) throws(UsageError) -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    guard !(items.count == 1 && items[0].isEmpty) else { throw .emptyList(option: option, expected: expected) }
    var seen = Set<String>()
    for item in items {
        guard !item.isEmpty else { throw .invalidValue(option: option, value: text, expected: expected) }
        guard seen.insert(item).inserted else { throw .duplicateInList(option: option, value: item) }
    }
    return items
}

/// Parses a whole number in `range`.
func parseInteger(
    _ text: String, option: String, range: ClosedRange<Int>, expected: String? = nil
) throws(UsageError) -> Int {
    guard let value = Int(text), range.contains(value) else {
        throw .invalidValue(
            option: option, value: text,
            expected: expected ?? "an integer from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
}

/// The names of an enum's cases, comma-separated: `interleaved, grouped`.
func caseNames<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) -> String where Choice.RawValue == String {
    type.allCases.map(\.rawValue).joined(separator: ", ")
}

/// Parses one of an enum's case names.
func parseChoice<Choice: RawRepresentable & CaseIterable>(_ text: String, option: String) throws(UsageError) -> Choice
where Choice.RawValue == String {
    guard let choice = Choice(rawValue: text) else {
        throw .invalidValue(option: option, value: text, expected: "one of: \(caseNames(Choice.self))")
    }
    return choice
}

/// Parses a finite number in `range`; `expected` says what is valid, with its unit.
func parseNumber(
    _ text: String, option: String, range: ClosedRange<Double>, expected: String
) throws(UsageError) -> Double {
    guard let value = Double(text), value.isFinite, range.contains(value) else {
        throw .invalidValue(option: option, value: text, expected: expected)
    }
    return value
}
