/// A failure of the lab while it runs that is no system call of its own, such as a results
/// file that cannot be written; its description says what and where.
public struct LabFailure: Error, ExitStatusCarrying, CustomStringConvertible, Sendable {
    public let description: String
    public var exitStatus: ExitStatus { .failure }

    public init(_ description: String) {
        self.description = description
    }
}
