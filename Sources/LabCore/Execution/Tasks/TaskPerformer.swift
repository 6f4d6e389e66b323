/// Performs a driver's tasks: in its own thread, or through a worker process.
package protocol TaskPerformer {
    /// Performs `tasks` in order and hands each one's result to `deliver` as it comes.
    /// - Returns: how many tasks were delivered. Fewer than asked means the rest have not
    ///   run: either the performer takes them in smaller pieces (the driver asks again), or a
    ///   failure left it out of step (a dead worker), and then that failure was delivered last.
    ///
    /// When `times` is not `nil` (the run records a timeline), the performer notes in it
    /// when the tasks were handed over and when their bodies ran.
    func perform(_ tasks: ArraySlice<PendingTask>, times: inout SpanTimes?, deliver: TaskDelivery) -> Int

    /// Gets ready for the next task after `error` (a process performer replaces a dead
    /// worker). Returns an error when it cannot go on, which ends the execution.
    func recover(after error: ExecutionError) -> ExecutionError?

    /// Whether it writes an ``InPlaceWorkload``'s inputs itself, where the body reads them;
    /// otherwise the driver makes each input as an array (the default).
    var writesInputsInPlace: Bool { get }
}

extension TaskPerformer {
    package func recover(after error: ExecutionError) -> ExecutionError? { nil }

    package var writesInputsInPlace: Bool { false }
}
