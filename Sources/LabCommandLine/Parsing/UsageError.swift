import LabCore

/// A user mistake on the command line. The description names the bad value and the valid
/// choices; `lab` prints it as `lab: <description>` and exits with status 2.
enum UsageError: Error, ExitStatusCarrying, CustomStringConvertible, Equatable {
    var exitStatus: ExitStatus { .badInput }

    case unknownCommand(String, known: [String])
    case unknownOption(String, command: String, known: [String])
    case missingValue(option: String, expected: String)
    case repeatedOption(String)
    case unexpectedArgument(String, command: String)
    case invalidValue(option: String, value: String, expected: String)
    case emptyList(option: String, expected: String)
    case duplicateInList(option: String, value: String)
    case outputExists(path: String)
    case outputNotCreatable(path: String, reason: String)
    case other(String)

    var description: String {
        switch self {
        case .unknownCommand(let name, let known):
            "unknown command '\(name.shownInMessage)'; commands: \(known.joined(separator: ", "))"
        case .unknownOption(let option, let command, let known):
            known.isEmpty
                ? "unknown option '\(option.shownInMessage)' for 'lab \(command)'; it takes no options but --help"
                : "unknown option '\(option.shownInMessage)' for 'lab \(command)'; options: "
                    + "\(known.joined(separator: ", "))"
        case .missingValue(let option, let expected):
            "option \(option) needs a value; expected \(expected)"
        case .repeatedOption(let option):
            "option \(option) is given more than once; give it once (lists are comma-separated)"
        case .unexpectedArgument(let argument, let command):
            "unexpected argument '\(argument.shownInMessage)' for 'lab \(command)'; see 'lab \(command) --help'"
        case .invalidValue(let option, let value, let expected):
            "invalid value '\(value.shownInMessage)' for \(option); expected \(expected)"
        case .emptyList(let option, let expected):
            "empty list for \(option); expected \(expected)"
        case .duplicateInList(let option, let value):
            "'\(value.shownInMessage)' appears twice in \(option); list each value once"
        case .outputExists(let path):
            "output folder '\(path.shownInMessage)' exists already; choose a new --out or remove it"
        case .outputNotCreatable(let path, let reason):
            "cannot create output folder '\(path.shownInMessage)': \(reason); choose a writable --out"
        case .other(let text):
            text
        }
    }
}
