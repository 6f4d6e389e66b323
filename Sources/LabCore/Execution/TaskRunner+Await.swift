import Foundation

extension TaskRunner {
    /// Runs ``execute(_:)`` on a thread of its own and suspends until it returns.
    ///
    /// ``execute(_:)`` blocks its caller for the whole cell, and the `async` mode needs the
    /// cooperative thread pool (one thread per core) to run its tasks. Blocking pool threads
    /// from a task (as a test function or any async code does) can therefore deadlock it.
    /// From async code, call this instead.
    package func executeOnOwnThread(_ workload: ConfiguredWorkload) async -> ExecutionResult {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: execute(workload))
            }.start()
        }
    }
}
