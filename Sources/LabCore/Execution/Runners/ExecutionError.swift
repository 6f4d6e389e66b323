/// Why a repetition did not complete. The text goes into the `error` column of `results.csv`.
package enum ExecutionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The workload threw while running a task.
    case taskFailed(task: Int, message: String)
    /// A worker process could not be started or set up.
    case workerStartFailed(worker: Int, message: String)
    /// A worker process ended or broke the protocol; `task` is what it was doing, if anything.
    case workerFailed(worker: Int, task: Int?, reason: String)
    /// A task ran longer than the task timeout; its worker was killed and replaced.
    case taskTimedOut(worker: Int, task: Int, seconds: Double)
    /// A thread or pipe could not be created.
    case system(SystemError)
    /// The task-timeout watchdog could not be started, so the cell was not run.
    case watchdogFailed(SystemError)

    /// The task that failed, when the failure belongs to one.
    package var task: Int? {
        switch self {
        case .taskFailed(let task, _), .taskTimedOut(_, let task, _): task
        case .workerFailed(_, let task, _): task
        case .workerStartFailed, .system, .watchdogFailed: nil
        }
    }

    package var description: String {
        switch self {
        case .taskFailed(let task, let message):
            "task \(task) failed: \(message)"
        case .workerStartFailed(let worker, let message):
            "worker \(worker) failed to start: \(message)"
        case .workerFailed(let worker, let task, let reason):
            task.map { "worker \(worker) \(reason) during task \($0)" } ?? "worker \(worker) \(reason)"
        case .taskTimedOut(let worker, let task, let seconds):
            "task \(task) timed out after \(seconds.shortText) s on worker \(worker), which was killed and replaced"
        case .system(let error):
            "\(error)"
        case .watchdogFailed(let error):
            "cannot start the task-timeout watchdog (\(error)), so the cell was not run: without it a stuck task would "
                + "go unnoticed"
        }
    }
}
