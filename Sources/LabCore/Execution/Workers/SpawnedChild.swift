import Foundation
import Synchronization

/// A child process started with ``Platform/spawn(_:arguments:environment:input:output:)`` and
/// reaped here (`waitpid`) when asked whether it runs: no thread watches it.
///
/// Foundation's `Process` keeps a run loop thread and a socket manager thread to watch its
/// children, and on Swift 6.3.1 its `run()` can fault (swift-corelibs-foundation #5472) while
/// it lists `/proc/self/fd` in a process that holds more than about 1,300 descriptors, as a
/// lab starting its thousandth worker does.
package final class SpawnedChild: Sendable {
    package let processID: Int32

    /// What is known of its end: nothing yet, its raw wait status, or that it was reaped
    /// elsewhere (`ECHILD`), status unknown.
    private enum End {
        case running
        case ended(Int32)
        case unknown
    }

    private let end = Mutex<End>(.running)

    package init(processID: Int32) {
        self.processID = processID
    }

    /// Starts `executable` with `arguments` on the launcher thread (``ProcessLauncher``: the
    /// child dies with the lab, not with the calling thread), reading `input` and writing
    /// `output`, with this process's environment, the coordinator's process ID
    /// (``WorkerService/coordinatorProcessIDVariable``) and `extra` added. With
    /// `quietCrashes`, Swift's backtracer is off unless the user set `SWIFT_BACKTRACE`: a
    /// crashing worker is a measured fact, and a register dump on the lab's standard error
    /// would add nothing.
    /// - Throws: what starting it throws (``SystemError`` from `posix_spawn`).
    package static func start(
        _ executable: String, arguments: [String], environment extra: [String: String] = [:],
        quietCrashes: Bool = false, input: Int32,
        output: Int32
    ) throws -> SpawnedChild {
        var environment = ProcessInfo.processInfo.environment
        environment[WorkerService.coordinatorProcessIDVariable] = String(Platform.processID)
        if quietCrashes, environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        environment.merge(extra) { _, new in new }
        let processID = try ProcessLauncher.shared.run {
            try Platform.spawn(executable, arguments: arguments, environment: environment, input: input, output: output)
        }
        return SpawnedChild(processID: processID)
    }

    /// Whether it still runs; reaps it, without waiting, once it has ended.
    package var isRunning: Bool {
        if case .running = settle(blocking: false) { true } else { false }
    }

    /// Its raw wait status once it has ended (`nil` while it runs or when it is unknown).
    package var status: Int32? {
        if case .ended(let status) = settle(blocking: false) { status } else { nil }
    }

    /// Waits until it has ended and reaps it.
    package func waitUntilExit() {
        _ = settle(blocking: true)
    }

    /// What is known of its end, after reaping it if it has ended (waiting for that with
    /// `blocking`).
    private func settle(blocking: Bool) -> End {
        end.withLock { end in
            guard case .running = end else { return end }
            do {
                end = try Platform.reap(processID, blocking: blocking).map(End.ended) ?? .running
            } catch {
                end = .unknown
            }
            return end
        }
    }
}
