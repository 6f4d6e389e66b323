/// How a cell's tasks are run. The one list of modes: parsing, help text and reports use it.
public enum ExecutionMode: String, Sendable, CaseIterable, Codable {
    /// The coordinator runs the tasks one after another.
    case sequential
    /// A fixed pool of threads in the coordinator's process.
    case threads
    /// A pool of worker child processes (`lab worker`) that talk to the coordinator over pipes.
    case processes

    /// Whether the worker count matters; sequential runs once per workload with one worker.
    public var usesWorkers: Bool { self != .sequential }
}
