/// The one rule for a workload's name, wherever a name comes from: a workload type that
/// registers (a package of your own included) and every file of a run folder that names one.
/// A name is data, never a path: it becomes part of file names (`timeline-<name>.svg`), so
/// it holds no `/`, no `.`, no space and nothing a terminal or a page would read as markup.
package enum WorkloadName {
    /// The rule, as messages say it.
    package static let rule =
        "lowercase letters, digits and dashes, starting with a letter or digit, at most 64 characters"

    /// Whether `name` keeps the rule.
    package static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, first != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }

    /// The names of `types` that break the rule, each with a sentence that says so.
    package static func violations(_ types: [any Workload.Type]) -> [String] {
        types.filter { !isValid($0.name) }.map {
            "workload name '\($0.name.shownInMessage)' (type \(String(describing: $0))) breaks the rule for names: "
                + "\(rule)"
        }
    }
}
