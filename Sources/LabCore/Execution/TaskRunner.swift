import Synchronization

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
