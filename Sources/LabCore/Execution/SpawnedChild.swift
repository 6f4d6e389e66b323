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

    /// Whether it still runs; reaps it, without waiting, once it has ended.
    package var isRunning: Bool {
        end.withLock { end in
            if case .running = end { end = Self.reap(processID, blocking: false) }
            if case .running = end { return true }
            return false
        }
    }

    /// Its raw wait status once it has ended (`nil` while it runs or when it is unknown).
    package var status: Int32? {
        guard !isRunning else { return nil }
        return end.withLock { if case .ended(let status) = $0 { status } else { nil } }
    }

    /// Waits until it has ended and reaps it.
    package func waitUntilExit() {
        end.withLock { end in
            if case .running = end { end = Self.reap(processID, blocking: true) }
        }
    }

    private static func reap(_ processID: Int32, blocking: Bool) -> End {
        do {
            return try Platform.reap(processID, blocking: blocking).map(End.ended) ?? .running
        } catch {
            return .unknown
        }
    }
}
