import LabCore
import Synchronization

/// Why a `results.csv` cannot be read back.
package enum ResultsFileError: Error, ExitStatusCarrying, CustomStringConvertible, Equatable, Sendable {
    /// A results file that does not parse is bad input.
    package var exitStatus: ExitStatus { .badInput }

    case csv(CSV.ParseError)
    case missingHeader
    case missingColumn(String)
    case wrongFieldCount(line: Int, found: Int, expected: Int)
    case invalidField(line: Int, column: String, value: String)
    /// A workload name that breaks ``WorkloadName``'s rule: a name is data, never a path.
    case invalidWorkloadName(line: Int, value: String)

    package var description: String {
        switch self {
        case .csv(let error): "\(error)"
        case .missingHeader: "no header row; expected columns: \(ResultColumn.header.joined(separator: ", "))"
        case .missingColumn(let name):
            "missing column '\(name)'; expected columns: \(ResultColumn.header.joined(separator: ", "))"
        case .wrongFieldCount(let line, let found, let expected):
            "record \(line) has \(found) fields; expected \(expected)"
        case .invalidField(let line, let column, let value):
            "record \(line): invalid \(column) '\(value.shownInMessage)'"
        case .invalidWorkloadName(let line, let value):
            "record \(line): workload name '\(value.shownInMessage)' breaks the rule for names (\(WorkloadName.rule))"
        }
    }
}
