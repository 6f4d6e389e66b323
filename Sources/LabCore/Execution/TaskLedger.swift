import Synchronization

/// The shared skeleton of every pool: hands out task indices, each exactly once, and gathers
/// what the drivers did. Claiming is one atomic increment, so drivers never wait on a lock.
package final class TaskLedger: Sendable {
    package let taskCount: Int
    private let nextIndex = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let outcomes: Mutex<[TaskOutcome?]>
    private let failures = Mutex<(first: ExecutionError?, count: Int)>((nil, 0))

    package init(taskCount: Int) {
        self.taskCount = taskCount
        self.outcomes = Mutex([TaskOutcome?](repeating: nil, count: taskCount))
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

    /// Stores the outcomes one driver gathered (once, when it is done, to keep locks out of
    /// the hot path).
    package func deposit(_ finished: [(index: Int, outcome: TaskOutcome)]) {
        outcomes.withLock { slots in
            for (index, outcome) in finished {
                precondition(slots[index] == nil, "task \(index) ran twice")
                slots[index] = outcome
            }
        }
    }

    /// Records a failed task; the other tasks go on. The failure of the lowest task index is
    /// the one reported (drivers notice failures in no fixed order; task order is stable).
    package func record(_ error: ExecutionError) {
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

    /// The outcome of every task (`nil` for those that did not finish) and the first failure.
    package var result: (outcomes: [TaskOutcome?], failure: ExecutionError?) {
        (outcomes.withLock { $0 }, failures.withLock { $0.first })
    }

    /// How many failures were recorded in all.
    package var failureCount: Int {
        failures.withLock { $0.count }
    }
}
