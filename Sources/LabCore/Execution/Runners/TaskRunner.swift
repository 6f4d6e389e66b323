import Foundation

/// Runs a cell's tasks in one mode.
package protocol TaskRunner: Sendable {
    /// Runs tasks `0..<workload.taskCount` and returns what happened. Failures are part of
    /// the result, not thrown: a crashing worker is a measurement, not a crash of the lab.
    ///
    /// Blocks the calling thread until the cell is done. Call it from an ordinary thread (the
    /// lab calls it from the main thread), never from a Swift concurrency task: use
    /// ``runOnOwnThread(_:)`` there, or the `async` mode may wait forever for the
    /// cooperative threads that the caller blocks.
    func run(_ workload: ConfiguredWorkload) -> ExecutionResult
}

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
