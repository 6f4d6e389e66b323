/// Whether a repetition ran every task.
public enum RepetitionStatus: String, Sendable, Codable {
    case ok
    case failed
}

/// What one measured repetition of one cell produced: one row of `results.csv`.
public struct RepetitionRecord: Sendable, Equatable {
    public var runID: String
    public var workload: String
    public var kind: WorkloadKind
    /// The canonical `key=value;key=value` parameter text.
    public var parameters: String
    public var mode: ExecutionMode
    public var workers: Int
    public var tasks: Int
    /// 1-based.
    public var repetition: Int
    /// From asking for the pool to the last result, start-up included.
    public var wallSeconds: Double
    /// From asking for the pool until every worker was ready.
    public var startupSeconds: Double
    public var tasksPerSecond: Double
    /// The run's combined checksum in hexadecimal; empty when the repetition failed.
    public var checksum: String
    public var status: RepetitionStatus
    /// Why the repetition failed; empty when it did not.
    public var error: String

    public init(
        runID: String, workload: String, kind: WorkloadKind, parameters: String, mode: ExecutionMode, workers: Int, tasks: Int,
        repetition: Int, wallSeconds: Double, startupSeconds: Double, tasksPerSecond: Double, checksum: String,
        status: RepetitionStatus, error: String
    ) {
        self.runID = runID
        self.workload = workload
        self.kind = kind
        self.parameters = parameters
        self.mode = mode
        self.workers = workers
        self.tasks = tasks
        self.repetition = repetition
        self.wallSeconds = wallSeconds
        self.startupSeconds = startupSeconds
        self.tasksPerSecond = tasksPerSecond
        self.checksum = checksum
        self.status = status
        self.error = error
    }
}
