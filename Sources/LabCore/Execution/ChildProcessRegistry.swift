import Glibc
import Synchronization

/// Every worker process alive right now, so that a signal handler can stop them all before
/// the lab exits: no child may outlive the lab.
package final class ChildProcessRegistry: Sendable {
    /// The registry of this process's workers.
    package static let shared = ChildProcessRegistry()

    private let processIDs = Mutex<Set<Int32>>([])

    package init() {}

    package func register(_ processID: Int32) {
        _ = processIDs.withLock { $0.insert(processID) }
    }

    package func unregister(_ processID: Int32) {
        _ = processIDs.withLock { $0.remove(processID) }
    }

    /// The workers registered now.
    package var current: Set<Int32> {
        processIDs.withLock { $0 }
    }

    /// Sends SIGKILL to every registered worker and forgets them.
    /// - Returns: the process IDs that were signalled.
    @discardableResult
    package func killAll() -> [Int32] {
        let victims = processIDs.withLock { set in
            defer { set.removeAll() }
            return Array(set)
        }
        for processID in victims {
            Platform.sendSignal(SIGKILL, to: processID)
        }
        return victims
    }
}
