/// A failure of the lab while it runs that is no system call of its own, such as a results
/// file that cannot be written; its description says what and where.
package struct LabFailure: Error, ExitStatusCarrying, CustomStringConvertible, Sendable {
    package let description: String
    package var exitStatus: ExitStatus { .failure }

    package init(_ description: String) {
        self.description = description
    }
}
