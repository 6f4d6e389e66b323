/// How a cell's tasks are run. The one list of modes: parsing, help text and reports use it.
public enum ExecutionMode: String, Sendable, CaseIterable, Codable {
    /// The coordinator runs the tasks one after another.
    case sequential
    /// A fixed pool of threads in the coordinator's process.
    case threads
    /// A pool of worker child processes (`lab worker`) that talk to the coordinator over pipes,
    /// a socket pair or shared memory (`--transport`).
    case processes
    /// Swift structured concurrency: a task group keeping N tasks in flight on the
    /// cooperative thread pool, which has one thread per core.
    case async

    /// What the worker count means in this mode, for help and reports.
    public var workersMeaning: String {
        switch self {
        case .sequential: "always 1"
        case .threads: "threads in the pool"
        case .processes: "worker processes in the pool"
        case .async: "tasks in flight"
        }
    }

    /// Whether the worker count matters; sequential runs once per workload with one worker.
    public var usesWorkers: Bool { self != .sequential }

    /// How a cell of this mode is named everywhere (progress, charts, reports, errors):
    /// `sequential`, or the mode and its worker count, `threads x2`.
    package func label(workers: Int) -> String {
        usesWorkers ? "\(rawValue) x\(workers)" : rawValue
    }

    /// The label of a cell whose workers use `transport`: process cells over anything but
    /// the ``Transport/default`` say so, `processes x2 over shm`.
    package func label(workers: Int, transport: Transport?) -> String {
        label(workers: workers) + qualifiers(transport: transport, variant: nil)
    }

    /// The label of a process cell whose workers get the dataset as `dataset` says:
    /// `processes x2 over shm, mapped` (the default copy adds nothing).
    package func label(
        workers: Int, transport: Transport?, dataset: DatasetPlacement?, start: WorkerStart? = nil
    ) -> String {
        label(workers: workers) + qualifiers(transport: transport, variant: nil, dataset: dataset, start: start)
    }

    /// The label of a cell that another runtime's `variant` sets apart (see
    /// ``RepetitionRecord/variant``): `processes x2 (forkserver)`.
    package func label(workers: Int, transport: Transport?, variant: String?) -> String {
        label(workers: workers) + qualifiers(transport: transport, variant: variant)
    }

    /// What a label adds after the mode and workers: ` over shm` for process cells over
    /// anything but ``Transport/default``, `, forkserver` for forked workers, `, mapped` for
    /// workers that map the dataset, then ` (variant)`; empty for the plain cell.
    package func qualifiers(
        transport: Transport?, variant: String?, dataset: DatasetPlacement? = nil, start: WorkerStart? = nil
    ) -> String {
        var text = ""
        if self == .processes, let transport, transport != .default { text += " over \(transport.rawValue)" }
        if self == .processes, let start { text += start.labelSuffix }
        if self == .processes, let dataset { text += dataset.labelSuffix }
        if let variant, !variant.isEmpty { text += " (\(variant))" }
        return text
    }
}
