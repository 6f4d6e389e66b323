import CLabSupport
import Glibc

/// How a side of a shared ring waits: polls first, then sleeps in slices, checking between
/// slices that the other side is still alive.
///
/// Polling pays when the other side runs on another core at the same time. When the sides
/// that poll outnumber the cores (two lanes of a driver and a worker each on two cores, or a
/// lane pinned to one core), the other side may be waiting for the very core this side polls
/// on: lab 0.7.0 measured shm 3.8x slower than a pipe at batch 16 that way, and once 1.2 s
/// for 20,000 tasks. A side that shares cores therefore gives its core away (`sched_yield`)
/// every ``pollsBetweenYields`` polls after the first ``pollsBeforeYielding``, and sleeps in
/// slices as many times longer as sides share a core: a thousand sleeping sides that each
/// woke every 5 ms to check on their peer took 200,000 wake-ups a second from 2 cores, and a
/// pool of 1,024 workers over `shm` 23 s to start (2.6 s over pipes, which sleep in `read`).
/// The sleeping sides together wake at most 200 times a second per core; a peer's death is
/// noticed within a slice (a worker whose coordinator died is killed by the kernel anyway).
package struct RingWaiting {
    /// Polls (a check and a CPU pause) before sleeping; `0` sleeps at once.
    package var spinPolls: Int
    /// Whether polling sides outnumber cores (see ``TransportSettings/sharesCores``).
    package var sharesCores: Bool = false
    /// Polls made before a side that shares cores first yields: an answer that is on its way
    /// from a running peer comes within them.
    static let pollsBeforeYielding = 256
    static let pollsBetweenYields = 64
    /// Whether the other side can still answer; checked after each sleeping slice, since a
    /// process that dies wakes no futex.
    package var peerAlive: () -> Bool
    /// How long one sleep lasts at most: the longest a death goes unnoticed.
    package var sliceNanoseconds: Int64 = 5_000_000

    package init(spinPolls: Int, sharesCores: Bool = false, peerAlive: @escaping () -> Bool) {
        self.spinPolls = spinPolls
        self.sharesCores = sharesCores
        self.peerAlive = peerAlive
    }

    /// How a side of `settings` waits on a peer that `peerAlive` checks.
    package init(_ settings: TransportSettings, peerAlive: @escaping () -> Bool) {
        self.init(spinPolls: settings.spinPolls, sharesCores: settings.sharesCores, peerAlive: peerAlive)
        sliceNanoseconds = Self.sliceNanoseconds(crowding: settings.crowding)
    }

    /// A sleeping slice when `crowding` sides share a core: 5 ms each, up to 10 s.
    static func sliceNanoseconds(crowding: Int) -> Int64 {
        5_000_000 * Int64(min(max(crowding, 1), 2000))
    }

    /// How a child waits on its coordinator: the coordinator lives while it is still this
    /// process's parent (a child whose parent died is re-parented).
    package static func onParent(_ settings: TransportSettings) -> RingWaiting {
        let parent = Platform.parentProcessID
        return RingWaiting(settings, peerAlive: { Platform.parentProcessID == parent })
    }

    enum Outcome {
        case ready
        case peerGone
        case deadlinePassed
    }

    /// Waits until `ready()` holds. `signal` is the futex word the other side bumps after it
    /// made progress and saw `sleeping` set.
    func wait(
        until ready: () -> Bool, signal: UnsafeMutablePointer<UInt32>, sleeping: UnsafeMutablePointer<UInt32>,
        deadline: Double
    ) -> Outcome {
        var polls = 0
        while polls < spinPolls {
            if ready() { return .ready }
            if sharesCores, polls >= Self.pollsBeforeYielding, polls % Self.pollsBetweenYields == 0 {
                Platform.yieldCore()
            } else {
                lab_cpu_relax()
            }
            polls += 1
        }
        while true {
            let observed = lab_load_acquire_u32(signal)
            lab_store_release_u32(sleeping, 1)
            lab_full_fence()
            if ready() {
                lab_store_release_u32(sleeping, 0)
                return .ready
            }
            var slice = sliceNanoseconds
            if deadline.isFinite {
                let left = deadline - Platform.monotonicSeconds()
                if left <= 0 {
                    lab_store_release_u32(sleeping, 0)
                    return .deadlinePassed
                }
                slice = min(slice, max(Int64(left * 1e9), 1000))
            }
            Platform.futexWait(signal, expected: observed, timeoutNanoseconds: slice)
            lab_store_release_u32(sleeping, 0)
            if ready() { return .ready }
            if !peerAlive() { return ready() ? .ready : .peerGone }
        }
    }

    /// Bumps `signal` and wakes its sleeper, when the other side said it sleeps. Called after a
    /// store the sleeper waits for; the fence orders that store before the read of `sleeping`
    /// (the sleeper does the mirror image), so one of the two always sees the other.
    static func wakeIfSleeping(signal: UnsafeMutablePointer<UInt32>, sleeping: UnsafeMutablePointer<UInt32>) {
        lab_full_fence()
        guard lab_load_acquire_u32(sleeping) != 0 else { return }
        lab_store_release_u32(signal, lab_load_acquire_u32(signal) &+ 1)
        Platform.futexWake(signal)
    }
}
