import Synchronization

/// The shared skeleton of every pool: hands out task indices, each exactly once, and gathers
/// what the drivers did. Claiming is one atomic increment, so drivers never wait on a lock.
package final class TaskLedger: Sendable {
    package let taskCount: Int
    private let nextIndex = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let tally = Mutex(TaskTally())
    private let failures = Mutex<(first: ExecutionError?, count: Int)>((nil, 0))

    /// How many outcomes a driver gathers before it deposits them: the coordinator then keeps
    /// at most this many a lane, whatever the task count (issue 36), and takes a lock once
    /// per this many tasks.
    package static let depositEvery = 1024

    package init(taskCount: Int) {
        self.taskCount = taskCount
    }

    /// The next unclaimed task index, or `nil` when all are claimed or the run was stopped.
    package func claim() -> Int? {
        claim(upTo: 1)?.lowerBound
    }

    /// The next `count` unclaimed task indices (fewer at the end), or `nil` when all are
    /// claimed or the run was stopped: a batch, for one atomic operation.
    package func claim(upTo count: Int) -> Range<Int>? {
        if stopped.load(ordering: .relaxed) { return nil }
        let first = nextIndex.wrappingAdd(count, ordering: .relaxed).oldValue
        return first < taskCount ? first..<min(first + count, taskCount) : nil
    }

    /// Folds the outcomes one driver gathered (every ``depositEvery`` of them, and at its end,
    /// to keep locks out of the hot path) into the execution's ``TaskTally``.
    package func deposit(_ finished: [(index: Int, outcome: TaskOutcome)]) {
        guard !finished.isEmpty else { return }
        tally.withLock { tally in
            for (index, outcome) in finished {
                tally.add(outcome, index: index)
            }
        }
    }

    /// Records a failed task; the other tasks go on. The failure of the lowest task index is
    /// the one reported (drivers notice failures in no fixed order; task order is stable).
    package func record(_ error: ExecutionError) {
        tally.withLock { $0.markMissing() }
        failures.withLock { state in
            if state.first == nil || (error.task ?? Int.max) < (state.first?.task ?? Int.max) { state.first = error }
            state.count += 1
        }
    }

    /// Records a failure that ends the execution: no task is handed out after it.
    package func fail(_ error: ExecutionError) {
        record(error)
        stopped.store(true, ordering: .relaxed)
    }

    /// What the finished tasks came to, and the first failure.
    package var result: (tally: TaskTally, failure: ExecutionError?) {
        (tally.withLock { $0 }, failures.withLock { $0.first })
    }

    /// How many failures were recorded in all.
    package var failureCount: Int {
        failures.withLock { $0.count }
    }
}
