/// An option whose value is a whole number in a range (`--tasks N`, `--repetitions N`):
/// declared for help and errors and read from one value, so that the two never disagree.
struct CountOption: Sendable {
    let name: String
    let range: ClosedRange<Int>
    var expected: String { "an integer from \(range.lowerBound) to \(range.upperBound)" }

    /// The option for a command's list, with its default as the help shows it.
    func spec(default text: String, portableDefault: String? = nil, help: String) -> OptionSpec {
        OptionSpec(name, value: "N", expected: expected, default: text, portableDefault: portableDefault, help: help)
    }

    /// The value given, checked against the range; `nil` when the option is absent.
    func value(_ parsed: ParsedArguments) throws(UsageError) -> Int? {
        guard let text = parsed.value(name) else { return nil }
        return try parseInteger(text, option: name, range: range)
    }
}
