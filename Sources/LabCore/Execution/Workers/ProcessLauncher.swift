import Dispatch
import Synchronization

/// The one thread that starts every child process of the lab: workers spawned anew (the first
/// ones and their replacements) and the fork server.
///
/// A child asks the kernel to kill it when its parent dies (`PR_SET_PDEATHSIG`), but Linux
/// means by "parent" the *thread* that created it: a worker started on a driver thread was
/// killed (SIGKILL, no kill call from the lab) as soon as that thread ended, taking its usage
/// report with it. This thread starts them all and never ends, so a child dies with the lab
/// and not before.
package final class ProcessLauncher: Sendable {
    /// The launcher of this process, started the first time a child is.
    package static let shared = ProcessLauncher()

    /// A start waiting for the launcher thread; its caller waits for it to have run.
    private struct Job: @unchecked Sendable {
        // Runs on the launcher thread while the thread that queued it waits: what it captures
        // is touched by one thread at a time.
        let body: () -> Void
    }

    private let jobs = Mutex<[Job]>([])
    private let pending = DispatchSemaphore(value: 0)
    private let thread = Mutex<JoinableThread?>(nil)
    private let threadID = Atomic<UInt>(0)

    private init() {}

    private func startIfNeeded() throws(SystemError) {
        try thread.withLock { (thread: inout JoinableThread?) throws(SystemError) in
            guard thread == nil else { return }
            thread = try JoinableThread { [self] in
                threadID.store(Platform.threadID, ordering: .releasing)
                while true {
                    pending.wait()
                    guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                    job.body()
                }
            }
        }
    }

    /// Runs `body` (a start of a child process) on the launcher thread and waits for it.
    /// `body` escapes: the launcher thread may still hold it for a moment after the caller
    /// returned (a non-escaping closure would trap the check `withoutActuallyEscaping` makes).
    /// - Throws: what `body` throws; ``SystemError`` when the launcher thread cannot start.
    package func run<T>(_ body: @escaping () throws -> T) throws -> T {
        // On the launcher thread itself (a start that starts another) there is no one to wait for.
        if threadID.load(ordering: .acquiring) == Platform.threadID { return try body() }
        try startIfNeeded()
        let outcome = Outcome<T>()
        let job = Job {
            outcome.result = Result { try body() }
            outcome.done.signal()
        }
        jobs.withLock { $0.append(job) }
        pending.signal()
        outcome.done.wait()
        return try outcome.result!.get()
    }

    /// Where the launcher thread leaves a start's result for the thread that waits for it.
    private final class Outcome<T>: @unchecked Sendable {
        // Written by the launcher thread before it signals `done`, read by the caller after.
        var result: Result<T, any Error>?
        let done = DispatchSemaphore(value: 0)
    }
}
