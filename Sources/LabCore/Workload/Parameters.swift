/// A workload's parameters, every one present and valid: the user's overrides on top of the
/// defaults (or the quick values), checked against the workload's ``ParameterSpec``s.
public struct Parameters: Sendable, Equatable {
    public let workload: String
    public let specs: [ParameterSpec]
    private var values: [String: ParameterValue]
    /// Whether the values started from the quick ones (`--quick`); a workload may use it to
    /// pick a smaller default task count.
    public let isQuick: Bool
    /// Values a workload's fixture provides for this run (such as a local server's port):
    /// not user parameters, not in ``canonicalText``, but sent to every worker process.
    public private(set) var fixtureValues: [String: String] = [:]

    /// Validates `overrides` (parameter name to text) against `specs`.
    /// - Parameter quick: start from each parameter's quick value instead of its default.
    /// - Throws: ``ConfigurationError`` naming the first unknown parameter or bad value.
    public init(
        workload: String, specs: [ParameterSpec], overrides: [String: String] = [:], quick: Bool = false
    ) throws(ConfigurationError) {
        let known = specs.map(\.name)
        for name in overrides.keys.sorted() where !known.contains(name) {
            throw .unknownParameter(workload: workload, parameter: name, known: known)
        }
        var values: [String: ParameterValue] = [:]
        for spec in specs {
            let text = overrides[spec.name] ?? (quick ? spec.quickValue : spec.defaultValue)
            guard let value = spec.parse(text) else {
                throw .invalidValue(workload: workload, parameter: spec.name, value: text, expected: spec.expectation)
            }
            values[spec.name] = value
        }
        self.workload = workload
        self.specs = specs
        self.values = values
        self.isQuick = quick
    }

    /// The same parameters with the values a fixture provides.
    public func adding(fixtureValues: [String: String]) -> Parameters {
        var copy = self
        copy.fixtureValues.merge(fixtureValues) { _, new in new }
        return copy
    }

    /// Parses the canonical `key=value;key=value` text (see ``canonicalText``).
    /// - Throws: ``ConfigurationError`` when the text is malformed or a value is invalid.
    public init(workload: String, specs: [ParameterSpec], canonicalText: String) throws(ConfigurationError) {
        var overrides: [String: String] = [:]
        if !canonicalText.isEmpty {
            for pair in canonicalText.split(separator: ";", omittingEmptySubsequences: false) {
                guard let equals = pair.firstIndex(of: "="), overrides[String(pair[..<equals])] == nil else {
                    throw .malformedParameters(workload: workload, text: canonicalText)
                }
                overrides[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
        }
        try self.init(workload: workload, specs: specs, overrides: overrides)
    }

    /// Every parameter as `key=value`, joined by `;`, in declaration order: the `params`
    /// column of `results.csv`, and what a worker process is told.
    public var canonicalText: String {
        specs.map { "\($0.name)=\(ParameterSpec.text(of: values[$0.name]!))" }.joined(separator: ";")
    }

    /// The same parameters with `name` set to `text` (quick or not, as these are).
    /// - Throws: ``ConfigurationError`` when `name` is unknown or `text` is not valid for it.
    public func setting(_ name: String, to text: String) throws(ConfigurationError) -> Parameters {
        guard let spec = specs.first(where: { $0.name == name }) else {
            throw .unknownParameter(workload: workload, parameter: name, known: specs.map(\.name))
        }
        guard let value = spec.parse(text) else {
            throw .invalidValue(workload: workload, parameter: name, value: text, expected: spec.expectation)
        }
        var changed = self
        changed.values[name] = value
        return changed
    }

    /// The value of an integer parameter. Asking for an undeclared name is a programmer error.
    public func integer(_ name: String) -> Int {
        guard case .integer(let value) = values[name] else { preconditionFailure("no integer parameter '\(name)'") }
        return value
    }

    /// The value of a number parameter. Asking for an undeclared name is a programmer error.
    public func number(_ name: String) -> Double {
        guard case .number(let value) = values[name] else { preconditionFailure("no number parameter '\(name)'") }
        return value
    }

    /// The value of a choice parameter. Asking for an undeclared name is a programmer error.
    public func choice(_ name: String) -> String {
        guard case .choice(let value) = values[name] else { preconditionFailure("no choice parameter '\(name)'") }
        return value
    }

    /// The value of a number-list parameter. Asking for an undeclared name is a programmer error.
    public func numbers(_ name: String) -> [Double] {
        guard case .numberList(let value) = values[name] else {
            preconditionFailure("no number-list parameter '\(name)'")
        }
        return value
    }
}
