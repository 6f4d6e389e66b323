import Glibc
import Synchronization

/// Every worker process alive right now, so that a signal handler can stop them all before
/// the lab exits: no child may outlive the lab.
package final class ChildProcessRegistry: Sendable {
    /// The registry of this process's workers.
    package static let shared = ChildProcessRegistry()

    /// Each registered process's pidfd (`-1` where the kernel has none): a signal sent through
    /// it reaches that process or none, never one that was given its number after it ended.
    private let handles = Mutex<[Int32: Int32]>([:])

    package init() {}

    /// Registers a child the caller just started (before anything could reap it), and opens
    /// its pidfd.
    package func register(_ processID: Int32) {
        let handle = Platform.openProcessHandle(processID) ?? -1
        let replaced = handles.withLock { $0.updateValue(handle, forKey: processID) }
        if let replaced, replaced >= 0 { Platform.close(replaced) }
    }

    /// Forgets a child once it is gone, and closes its pidfd.
    package func unregister(_ processID: Int32) {
        if let handle = handles.withLock({ $0.removeValue(forKey: processID) }), handle >= 0 { Platform.close(handle) }
    }

    /// The workers registered now.
    package var current: Set<Int32> {
        handles.withLock { Set($0.keys) }
    }

    /// The pidfd held for a registered child; `nil` when it is not registered or has none.
    package func handle(of processID: Int32) -> Int32? {
        handles.withLock { $0[processID] }.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Sends SIGKILL to a registered child through its pidfd (by number where there is none);
    /// a child that is not registered (gone already, its number perhaps another's) is left alone.
    package func kill(_ processID: Int32) {
        handles.withLock { handles in
            guard let handle = handles[processID] else { return }
            ChildProcessRegistry.kill(processID, handle: handle)
        }
    }

    private static func kill(_ processID: Int32, handle: Int32) {
        if handle >= 0 {
            Platform.sendSignal(SIGKILL, toHandle: handle)
        } else {
            Platform.sendSignal(SIGKILL, to: processID)
        }
    }

    /// Sends SIGKILL to every registered worker and forgets them.
    /// - Returns: the process IDs that were signalled.
    @discardableResult
    package func killAll() -> [Int32] {
        let victims = handles.withLock { handles in
            defer { handles.removeAll() }
            return Array(handles)
        }
        for (processID, handle) in victims {
            ChildProcessRegistry.kill(processID, handle: handle)
            if handle >= 0 { Platform.close(handle) }
        }
        return victims.map(\.key)
    }
}
