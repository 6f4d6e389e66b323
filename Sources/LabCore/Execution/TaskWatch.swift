import Synchronization

/// Which tasks are running and since when, so that a watchdog can notice one that runs past
/// the task timeout in a mode that cannot kill it (sequential, threads, async).
public final class TaskWatch: Sendable {
    private let running = Mutex<[Int: Double]>([:])

    public init() {}

    public func begin(task index: Int) {
        let now = Platform.monotonicSeconds()
        running.withLock { $0[index] = now }
    }

    public func end(task index: Int) {
        _ = running.withLock { $0.removeValue(forKey: index) }
    }

    /// The longest-running task that has run longer than `seconds`, if any.
    public func overdue(after seconds: Double) -> (task: Int, runningSeconds: Double)? {
        let now = Platform.monotonicSeconds()
        return running.withLock { tasks in
            tasks.map { (task: $0.key, runningSeconds: now - $0.value) }.filter { $0.runningSeconds > seconds }
                .max { $0.runningSeconds < $1.runningSeconds }
        }
    }

    /// Runs `body` while a watchdog thread checks every `interval` whether a task has run
    /// longer than `seconds`; if one has, `onOverdue` is called once (it normally ends the
    /// process: a thread cannot be stopped from outside).
    public func watch<T>(
        timeoutSeconds seconds: Double, interval: Double = 0.05, onOverdue: @escaping @Sendable (_ task: Int, _ runningSeconds: Double) -> Void,
        _ body: () -> T
    ) -> T {
        guard seconds.isFinite else { return body() }
        let watchdog = WatchdogFlag()
        let thread = try? JoinableThread { [self] in
            while !watchdog.stopped.load(ordering: .acquiring) {
                if let (task, running) = overdue(after: seconds) {
                    onOverdue(task, running)
                    return
                }
                Platform.sleep(seconds: interval)
            }
        }
        let result = body()
        watchdog.stopped.store(true, ordering: .releasing)
        thread?.join()
        return result
    }
}

/// Tells a watchdog thread to stop.
final class WatchdogFlag: Sendable {
    let stopped = Atomic<Bool>(false)
}
