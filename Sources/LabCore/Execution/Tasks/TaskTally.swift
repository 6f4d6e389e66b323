/// What the tasks of one execution came to, folded as their outcomes arrive, so that the
/// coordinator keeps no row per task: how many finished, their units, and the run's checksum
/// (``Checksum/combined(_:)``: each task's checksum and payload digest in task order).
///
/// Outcomes arrive out of order (lanes finish their claims in any order), so those ahead of
/// the next task to fold wait in a window until the gap before them closes. The window holds
/// what the lanes finished ahead of the slowest lane's claim: a few claims a lane, whatever
/// the task count. Once a task fails, or one is folded twice, no checksum can come of the
/// execution, and the window is let go.
package struct TaskTally: Sendable, Equatable {
    /// How many tasks finished.
    package private(set) var completed = 0
    /// The finished tasks' units of work, summed (wrapping).
    package private(set) var units: UInt64 = 0
    /// The next task index to fold into ``checksum``; every task before it is folded.
    private var next = 0
    /// Outcomes ahead of `next`, at `index & (window.count - 1)`; its size is a power of two,
    /// and every index waiting in it lies in `next..<next + window.count`.
    private var window: [TaskOutcome?] = []
    private var waiting = 0
    private var running = Checksum()
    /// Whether an outcome went missing (a task failed) or came twice: no checksum then.
    private var broken = false

    package init() {}

    /// Folds the outcome of task `index`.
    package mutating func add(_ outcome: TaskOutcome, index: Int) {
        completed += 1
        units &+= outcome.units
        guard !broken else { return }
        guard index >= next else {
            breakOrder()
            return
        }
        if index == next {
            fold(outcome)
            foldWaiting()
            return
        }
        let ahead = index - next
        if ahead >= window.count { grow(toHold: ahead) }
        let slot = index & (window.count - 1)
        guard window[slot] == nil else {
            breakOrder()
            return
        }
        window[slot] = outcome
        waiting += 1
    }

    /// Says that a task will bring no outcome (it failed): the run has no checksum.
    package mutating func markMissing() {
        breakOrder()
    }

    /// The run's checksum when all `taskCount` tasks were folded, each once; `nil` otherwise.
    package func checksum(ofTasks taskCount: Int) -> UInt64? {
        !broken && next == taskCount && waiting == 0 ? running.value : nil
    }

    /// How many outcomes wait for an earlier task's (for tests of the window).
    package var waitingCount: Int { waiting }

    private mutating func fold(_ outcome: TaskOutcome) {
        running.combine(outcome.checksum)
        running.combine(outcome.payloadDigest)
        next += 1
    }

    private mutating func foldWaiting() {
        guard waiting > 0 else { return }
        let mask = window.count - 1
        while waiting > 0, let outcome = window[next & mask] {
            window[next & mask] = nil
            waiting -= 1
            fold(outcome)
        }
    }

    /// Makes the window hold `ahead` tasks past `next`, keeping what waits in it.
    private mutating func grow(toHold ahead: Int) {
        var size = max(window.count, 64)
        while size <= ahead { size *= 2 }
        var grown = [TaskOutcome?](repeating: nil, count: size)
        if waiting > 0 {
            let mask = window.count - 1
            for index in next..<(next + window.count) {
                if let outcome = window[index & mask] { grown[index & (size - 1)] = outcome }
            }
        }
        window = grown
    }

    private mutating func breakOrder() {
        broken = true
        window = []
        waiting = 0
    }
}
