import Foundation

extension TaskRunner {
    /// Runs ``run(_:)`` on a thread of its own and suspends until it returns.
    ///
    /// ``run(_:)`` blocks its caller for the whole cell, and the `async` mode needs the
    /// cooperative thread pool (one thread per core) to run its tasks. Blocking pool threads
    /// from a task (as a test function or any async code does) can therefore deadlock it.
    /// From async code, call this instead.
    package func runOnOwnThread(_ workload: ConfiguredWorkload) async -> ExecutionResult {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: run(workload))
            }.start()
        }
    }
}
