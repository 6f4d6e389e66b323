/// A mistake in what the user asked for, found before anything runs. Each description names
/// the bad value and the valid choices, in the form `<what is wrong>; <valid choices>`.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownWorkload(String, known: [String])
    case unknownParameter(workload: String, parameter: String, known: [String])
    case invalidValue(workload: String, parameter: String, value: String, expected: String)
    case malformedParameters(workload: String, text: String)

    public var description: String {
        switch self {
        case .unknownWorkload(let name, let known):
            "unknown workload '\(name.shownInMessage)'; known workloads: \(known.joined(separator: ", "))"
        case .unknownParameter(let workload, let parameter, let known):
            known.isEmpty
                ? "unknown parameter '\(parameter.shownInMessage)' for workload '\(workload)'; it takes no parameters"
                : "unknown parameter '\(parameter.shownInMessage)' for workload '\(workload)'; its parameters: "
                    + "\(known.joined(separator: ", "))"
        case .invalidValue(let workload, let parameter, let value, let expected):
            "invalid value '\(value.shownInMessage)' for \(workload).\(parameter); expected \(expected)"
        case .malformedParameters(let workload, let text):
            "malformed parameters '\(text.shownInMessage)' for workload '\(workload)'; expected key=value;key=value"
        }
    }
}
