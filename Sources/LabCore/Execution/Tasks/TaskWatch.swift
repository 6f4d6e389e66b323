import Dispatch
import Synchronization

/// Which tasks are running and since when, so that a watchdog can notice one that runs past
/// the task timeout in a mode that cannot kill it (sequential, threads, async).
///
/// Each driver owns a ``Slot``: starting and ending a task are two plain atomic stores on the
/// driver's own cache line, with no lock and no clock read, because they sit in the hot path
/// of every task. The watchdog samples the slots and measures how long a slot has shown the
/// same running task, so a reported running time is short by at most one sampling interval.
package final class TaskWatch: Sendable {
    /// One driver's running task. Only its driver writes it.
    package final class Slot: Sendable {
        /// Odd while a task runs; every start and end adds one.
        fileprivate let sequence = Atomic<Int>(0)
        fileprivate let task = Atomic<Int>(0)
        /// Keeps the next slot's atomics off this slot's cache line.
        private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        )

        fileprivate init() {}

        package func begin(task index: Int) {
            task.store(index, ordering: .relaxed)
            sequence.store(sequence.load(ordering: .relaxed) &+ 1, ordering: .releasing)
        }

        package func end() {
            sequence.store(sequence.load(ordering: .relaxed) &+ 1, ordering: .releasing)
        }
    }

    package let slots: [Slot]

    /// - Parameter slots: how many drivers run tasks at once (at least one).
    package init(slots: Int) {
        self.slots = (0..<max(slots, 1)).map { _ in Slot() }
    }

    /// Runs `body` while a watchdog thread checks every `interval` whether a task has run
    /// longer than `seconds`; if one has, `onOverdue` is called once (it normally ends the
    /// process: a thread cannot be stopped from outside).
    /// - Throws: ``SystemError`` when the watchdog thread cannot be started; `body` has then
    ///   not run, as it would run unwatched.
    package func watch<T>(
        timeoutSeconds seconds: Double, interval: Double = 0.05,
        onOverdue: @escaping @Sendable (_ task: Int, _ runningSeconds: Double) -> Void,
        _ body: () -> T
    ) throws(SystemError) -> T {
        guard seconds.isFinite else { return body() }
        // The watchdog waits on a semaphore, not in a sleep, so that it ends the moment the
        // body does: a sleeping watchdog once added up to one interval to every short cell's
        // wall time (the join waited for it).
        let finished = DispatchSemaphore(value: 0)
        let thread = try JoinableThread { [self] in
            var sampler = OverdueSampler(slots: slots.count)
            while finished.wait(timeout: .now() + interval) == .timedOut {
                if let (task, running) = sampler.overdue(self, after: seconds, now: Platform.monotonicSeconds()) {
                    onOverdue(task, running)
                    return
                }
            }
        }
        let result = body()
        finished.signal()
        thread.join()
        return result
    }

    /// What the watchdog remembers between samples: for each slot, the sequence it last saw
    /// and when it first saw it.
    struct OverdueSampler {
        private var seen: [(sequence: Int, since: Double)]

        init(slots: Int) {
            seen = Array(repeating: (0, 0), count: slots)
        }

        /// The longest-running task that has shown the same running state for longer than
        /// `seconds` as of `now`, if any.
        mutating func overdue(
            _ watch: TaskWatch, after seconds: Double, now: Double
        ) -> (task: Int, runningSeconds: Double)? {
            var longest: (task: Int, runningSeconds: Double)?
            for (number, slot) in watch.slots.enumerated() {
                let sequence = slot.sequence.load(ordering: .acquiring)
                if sequence != seen[number].sequence { seen[number] = (sequence, now) }
                guard sequence % 2 == 1 else { continue }
                let running = now - seen[number].since
                if running > seconds, running > (longest?.runningSeconds ?? 0) {
                    longest = (slot.task.load(ordering: .relaxed), running)
                }
            }
            return longest
        }
    }
}
