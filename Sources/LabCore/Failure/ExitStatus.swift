/// How the lab's process ends because of an error. Each error says which, so that 2 means
/// bad input and nothing else, whatever type the error has.
package enum ExitStatus: Int32, Sendable {
    /// Something failed while the lab ran: a system call, a write, a mode that did other work.
    case failure = 1
    /// The user asked for something that cannot be: a bad option, value, workload or folder.
    case badInput = 2
    /// Not an error but a verdict that cannot be given: `lab compare --fail-if-slower` would
    /// fail only cells that the rest of the machine disturbed. Run again.
    case disturbed = 3
    /// Not an error but a verdict that cannot be given: `lab compare --fail-if-slower` found a
    /// cell it cannot tell at its threshold (medians apart by more, intervals overlapping, or
    /// repetitions in two places). Run again with more repetitions.
    case undecided = 4
}

/// An error that carries the exit status the lab ends with when it reaches the top. An error
/// that does not carry one ends the lab with ``ExitStatus/failure``: only an error that says
/// it is bad input may end it with 2.
package protocol ExitStatusCarrying: Error {
    var exitStatus: ExitStatus { get }
}

extension SystemError: ExitStatusCarrying {
    package var exitStatus: ExitStatus { .failure }
}

extension ConfigurationError: ExitStatusCarrying {
    package var exitStatus: ExitStatus { .badInput }
}
