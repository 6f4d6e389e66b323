/// How a process cell's workers start (`--start`).
package enum WorkerStart: String, Sendable, CaseIterable, Codable {
    /// Each worker is this binary launched anew (`posix_spawn`, then loading the runtime and
    /// Foundation).
    case spawn
    /// A fork server (this binary, started once per run and single-threaded) forks each
    /// worker on request, as Python's forkserver does: no `exec`, nothing to load again.
    case forkserver

    /// The one place that says which start is the default (`--start`).
    package static let `default` = WorkerStart.spawn

    /// What a cell label adds for it: nothing for the default spawn, `, forkserver` otherwise.
    package var labelSuffix: String { self == .forkserver ? ", forkserver" : "" }
}
