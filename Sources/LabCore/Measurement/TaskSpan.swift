/// One claim of one lane: a task, or a batch of consecutive tasks claimed at once, and when
/// each step of it happened, in nanoseconds on the monotonic clock (``Platform/monotonicNanoseconds()``).
///
/// A lane is a thread of the pool, a worker process's driver, an async slot (one task in
/// flight), or the coordinator itself in sequential mode. Times are taken once per claim, not
/// per task, so that recording stays cheap for tiny tasks: with `--batch 1` (and in async
/// mode) a span is one task.
package struct TaskSpan: Sendable, Equatable {
    /// From 0.
    package var lane: Int
    package var firstTask: Int
    package var taskCount: Int
    /// The driver claimed the tasks (before making their inputs).
    package var claimed: UInt64
    /// The tasks were handed over: written to the worker's pipe in process mode; the same as
    /// ``started`` elsewhere.
    package var sent: UInt64
    /// The first task's body started, and the last one's ended (for processes: on the
    /// worker's own clock, which is the same system-wide clock).
    package var started: UInt64
    package var ended: UInt64
    /// The driver had the last result.
    package var received: UInt64
    /// Nanoseconds the task bodies ran, summed (between ``started`` and ``ended``, without a
    /// worker's reading and writing in between).
    package var work: UInt64
    /// Input bytes handed to the tasks and result payload bytes they gave back.
    package var bytesIn: Int
    package var bytesOut: Int

    package init(
        lane: Int, firstTask: Int, taskCount: Int, claimed: UInt64, sent: UInt64, started: UInt64, ended: UInt64,
        received: UInt64,
        work: UInt64, bytesIn: Int, bytesOut: Int
    ) {
        self.lane = lane
        self.firstTask = firstTask
        self.taskCount = taskCount
        self.claimed = claimed
        self.sent = sent
        self.started = started
        self.ended = ended
        self.received = received
        self.work = work
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }

    /// What the lane was busy with: from the claim until the results were back.
    package var busy: UInt64 { received &- min(claimed, received) }
}
