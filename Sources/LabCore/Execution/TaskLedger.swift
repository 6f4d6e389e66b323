import Synchronization

/// The shared skeleton of every pool: hands out task indices, each exactly once, and gathers
/// what the drivers did. Claiming is one atomic increment, so drivers never wait on a lock.
public final class TaskLedger: Sendable {
    public let taskCount: Int
    private let nextIndex = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let outcomes: Mutex<[TaskOutcome?]>
    private let firstFailure = Mutex<ExecutionError?>(nil)

    public init(taskCount: Int) {
        self.taskCount = taskCount
        self.outcomes = Mutex([TaskOutcome?](repeating: nil, count: taskCount))
    }

    /// The next unclaimed task index, or `nil` when all are claimed or the run was stopped.
    public func claim() -> Int? {
        if stopped.load(ordering: .relaxed) { return nil }
        let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < taskCount ? index : nil
    }

    /// Stores the outcomes one driver gathered (once, when it is done, to keep locks out of
    /// the hot path).
    public func deposit(_ finished: [(index: Int, outcome: TaskOutcome)]) {
        outcomes.withLock { slots in
            for (index, outcome) in finished {
                precondition(slots[index] == nil, "task \(index) ran twice")
                slots[index] = outcome
            }
        }
    }

    /// Records a failure (the first one wins) and stops further claims.
    public func fail(_ error: ExecutionError) {
        firstFailure.withLock { current in
            if current == nil { current = error }
        }
        stopped.store(true, ordering: .relaxed)
    }

    /// The outcome of every task (`nil` for those that did not finish) and the first failure.
    public var result: (outcomes: [TaskOutcome?], failure: ExecutionError?) {
        (outcomes.withLock { $0 }, firstFailure.withLock { $0 })
    }
}
