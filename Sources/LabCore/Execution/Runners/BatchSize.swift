/// How many tasks a pool's driver claims at once (`--batch`): the lab's `chunksize`, as in
/// Python's `ProcessPoolExecutor.map`. In process mode a batch of small tasks travels to the
/// worker in one `write` and its results come back in one, so the pipe round trip is paid
/// once per batch instead of once per task; in thread mode a batch is one atomic claim.
/// A larger batch evens out less well at the end of a cell: the last batches may leave a
/// worker idle while another still has several tasks to go.
package enum BatchSize: Sendable, Equatable, CustomStringConvertible {
    /// Chosen per cell: ``automaticLimit`` at most, and small enough that every worker gets
    /// at least ``automaticBatchesPerWorker`` batches, so that the tail stays short.
    case automatic
    /// Exactly this many (1 or more): 1 hands out task by task.
    case fixed(Int)

    /// The largest automatic batch. Measured with `lab bench` (noop, 1 worker process,
    /// 100,000 tasks, release build, 2-core VM): the cost per task falls from 1 to 64 tasks
    /// per batch and hardly moves after; see "Batches" in Sources/README.md.
    package static let automaticLimit = 64
    /// Every worker gets at least this many batches when the batch is automatic.
    package static let automaticBatchesPerWorker = 16

    /// The batch for a cell of `taskCount` tasks on `workers` workers.
    package func tasksPerClaim(taskCount: Int, workers: Int) -> Int {
        switch self {
        case .fixed(let size):
            return max(size, 1)
        case .automatic:
            let balanced = taskCount / max(workers * BatchSize.automaticBatchesPerWorker, 1)
            return min(max(balanced, 1), BatchSize.automaticLimit)
        }
    }

    /// `auto` or the number, as `--batch` takes it and run.json records it.
    package var description: String {
        switch self {
        case .automatic: "auto"
        case .fixed(let size): String(size)
        }
    }
}
