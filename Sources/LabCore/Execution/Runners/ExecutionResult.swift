/// What one execution of a cell produced.
package struct ExecutionResult: Sendable {
    /// Seconds from asking for the pool until every worker was ready (0 for sequential).
    package var startupSeconds: Double
    /// What the finished tasks came to: their count, units and the run's checksum.
    package var tally: TaskTally
    /// The first failure, if any task failed.
    package var failure: ExecutionError?
    /// How many failures there were in all.
    package var failureCount = 0
    /// What the worker processes reported and what crossed the pipes (zero outside process mode).
    package var workers = WorkerTotals()
    /// The scheduler's figures of the lanes (each pool thread, each worker's main thread, the
    /// coordinator's thread in sequential mode), summed; `nil` when a lane could not be read
    /// (async cells, whose tasks run on threads that are not theirs, and kernels without them).
    package var lanes: SchedulerCounters?

    package init(
        startupSeconds: Double, tally: TaskTally, failure: ExecutionError?, failureCount: Int? = nil,
        workers: WorkerTotals = WorkerTotals(),
        lanes: SchedulerCounters? = nil
    ) {
        self.lanes = lanes
        self.startupSeconds = startupSeconds
        self.tally = tally
        self.failure = failure
        self.failureCount = failureCount ?? (failure == nil ? 0 : 1)
        self.workers = workers
    }
}
