import CLabSupport
import Glibc

/// One direction of a ``SharedRegion``: a single-producer, single-consumer ring of bytes.
///
/// `head` (bytes ever written) belongs to the producer, `tail` (bytes ever read) to the
/// consumer. The producer copies bytes in and then publishes a new head with a release
/// store, so a reader never sees bytes that are not completely written: a producer that dies
/// mid-frame leaves a frame the reader finds cut short, never one it takes as whole.
///
/// A side that finds nothing to do polls up to its spin bound, then says it sleeps, checks
/// once more and sleeps on a futex. The other side wakes it (a system call) only when it
/// said so: while both sides are busy no call is made at all.
package struct SharedRing {
    let control: UnsafeMutableRawPointer
    let data: UnsafeMutableRawPointer
    let capacity: Int

    private func word64(_ offset: Int) -> UnsafeMutablePointer<UInt64> {
        (control + offset).assumingMemoryBound(to: UInt64.self)
    }
    private func word32(_ offset: Int) -> UnsafeMutablePointer<UInt32> {
        (control + offset).assumingMemoryBound(to: UInt32.self)
    }
    var head: UnsafeMutablePointer<UInt64> { word64(0) }
    /// Set by the producer when it writes no more: the consumer reads what is left, then the end.
    var closed: UnsafeMutablePointer<UInt32> { word32(8) }
    /// Bumped by the producer to wake a sleeping consumer (the consumer's futex word).
    var dataSignal: UnsafeMutablePointer<UInt32> { word32(12) }
    var tail: UnsafeMutablePointer<UInt64> { word64(64) }
    /// Bumped by the consumer to wake a producer waiting for room.
    var spaceSignal: UnsafeMutablePointer<UInt32> { word32(72) }
    var consumerSleeping: UnsafeMutablePointer<UInt32> { word32(128) }
    var producerSleeping: UnsafeMutablePointer<UInt32> { word32(192) }

    /// The producer's last word: nothing more comes. The consumer reads what is left, then
    /// the end; it is woken whether or not it said it sleeps.
    package func close() {
        lab_store_release_u32(closed, 1)
        lab_full_fence()
        lab_store_release_u32(dataSignal, lab_load_acquire_u32(dataSignal) &+ 1)
        Platform.futexWake(dataSignal)
    }
}

/// What a side of a ``SharedRing`` found when the other side's position cannot be: the bytes
/// it says are waiting (or free) are more than the ring holds, or its position runs behind
/// this side's. The other process wrote garbage into the ring's control block: a protocol
/// error, which names and ends that worker like garbage on a pipe, and is never trusted.
package struct SharedRingViolation: Error, CustomStringConvertible, Sendable {
    package let head: UInt64
    package let tail: UInt64
    package let capacity: Int

    package var description: String {
        "wrote shared ring positions that cannot be (head \(head), tail \(tail), in a ring of \(capacity) bytes)"
    }
}
