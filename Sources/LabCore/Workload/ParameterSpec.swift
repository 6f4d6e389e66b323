/// A parameter's validated value.
public enum ParameterValue: Sendable, Equatable {
    case integer(Int)
    case number(Double)
    case numberList([Double])
    case choice(String)
}

/// One parameter a workload accepts: its name, type and range, default and quick values,
/// unit and meaning. `lab list` prints these; bad values are refused with them.
public struct ParameterSpec: Sendable, Equatable {
    /// The type of a parameter's value and its valid range.
    public enum ValueType: Sendable, Equatable {
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// A finite number in the range.
        case number(ClosedRange<Double>)
        /// A non-empty comma-separated list of finite numbers, each in the range.
        case numberList(ClosedRange<Double>)
        /// One of a fixed set of words.
        case choice([String])
    }

    public let name: String
    public let type: ValueType
    /// The value used when the user sets none, as text in the same form users type.
    public let defaultValue: String
    /// A small value for `--quick` runs and tests.
    public let quickValue: String
    /// The unit of the value (`s`, `count`, `bytes`), shown by `lab list`.
    public let unit: String
    /// What the parameter means, in one line.
    public let summary: String

    public init(name: String, type: ValueType, defaultValue: String, quickValue: String, unit: String, summary: String)
    {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.quickValue = quickValue
        self.unit = unit
        self.summary = summary
    }

    /// The valid range of an integer parameter; `nil` for the other types.
    public var integerRange: ClosedRange<Int>? {
        if case .integer(let range) = type { range } else { nil }
    }

    /// What a valid value looks like, for error messages and `lab list`.
    public var expectation: String {
        switch type {
        case .integer(let range):
            "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range):
            "a number from \(range.lowerBound.shortText) to \(range.upperBound.shortText)"
        case .numberList(let range):
            "a comma-separated list of numbers from \(range.lowerBound.shortText) to \(range.upperBound.shortText)"
        case .choice(let words):
            "one of: \(words.joined(separator: ", "))"
        }
    }

    /// Parses and range-checks `text`; `nil` when it is not a valid value.
    public func parse(_ text: String) -> ParameterValue? {
        switch type {
        case .integer(let range):
            guard let value = ParameterSpec.parseInteger(text), range.contains(value) else { return nil }
            return .integer(value)
        case .number(let range):
            guard let value = ParameterSpec.parseNumber(text), range.contains(value) else { return nil }
            return .number(value)
        case .numberList(let range):
            let items = text.split(separator: ",", omittingEmptySubsequences: false)
            var values: [Double] = []
            for item in items {
                guard let value = ParameterSpec.parseNumber(String(item)), range.contains(value) else { return nil }
                values.append(value)
            }
            return values.isEmpty ? nil : .numberList(values)
        case .choice(let words):
            return words.contains(text) ? .choice(text) : nil
        }
    }

    /// The canonical text of a value: what `results.csv` records and a worker parses back.
    public static func text(of value: ParameterValue) -> String {
        switch value {
        case .integer(let integer): String(integer)
        case .number(let number): number.shortText
        case .numberList(let numbers): numbers.map(\.shortText).joined(separator: ",")
        case .choice(let word): word
        }
    }

    /// Accepts plain decimal digits with an optional sign and `_` separators (`2_000_000`).
    static func parseInteger(_ text: String) -> Int? {
        let cleaned = text.filter { $0 != "_" }
        guard !cleaned.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_") else { return nil }
        return Int(cleaned)
    }

    /// Accepts finite decimal numbers; refuses `nan`, `inf` and hexadecimal forms.
    static func parseNumber(_ text: String) -> Double? {
        let allowed = Set("0123456789.-+eE")
        guard !text.isEmpty, text.allSatisfy({ allowed.contains($0) }), let value = Double(text), value.isFinite else {
            return nil
        }
        return value
    }
}
