import CLabSupport
import Glibc

/// The consumer's end of a ``SharedRing`` as a ``ByteSource`` for a ``FrameReader``.
package struct RingSource: ByteSource {
    private let ring: SharedRing
    /// Keeps the mapping alive as long as the source is.
    private let region: SharedRegion
    private var tail: UInt64
    private let waiting: RingWaiting
    /// When a read gives up with ``ReadDeadlinePassed`` (monotonic seconds).
    package var deadline: Double = .infinity

    package init(_ ring: SharedRing, of region: SharedRegion, waiting: RingWaiting) {
        self.ring = ring
        self.region = region
        self.tail = lab_load_acquire_u64(ring.tail)
        self.waiting = waiting
    }

    /// Copies out what the producer published (up to `buffer.count` bytes); 0 when it closed
    /// the ring, or died, and everything it published was read.
    /// - Throws: ``SharedRingViolation`` when the producer's head is behind this side's tail or
    ///   more than a ring ahead of it; ``ReadDeadlinePassed`` after the deadline.
    package mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        let ring = ring
        let tail = tail
        var head = lab_load_acquire_u64(ring.head)
        if head == tail {
            let outcome = waiting.wait(
                until: { lab_load_acquire_u64(ring.head) != tail || lab_load_acquire_u32(ring.closed) != 0 },
                signal: ring.dataSignal, sleeping: ring.consumerSleeping, deadline: deadline)
            if case .deadlinePassed = outcome { throw ReadDeadlinePassed() }
            head = lab_load_acquire_u64(ring.head)
            if head == tail { return 0 }
        }
        // The producer's head is the other process's word: never more than a ring ahead.
        let available = head &- tail
        guard available <= UInt64(ring.capacity) else {
            throw SharedRingViolation(head: head, tail: tail, capacity: ring.capacity)
        }
        let count = min(buffer.count, Int(available))
        let offset = Int(tail % UInt64(ring.capacity))
        let first = min(count, ring.capacity - offset)
        buffer.baseAddress!.copyMemory(from: ring.data + offset, byteCount: first)
        if count > first {
            (buffer.baseAddress! + first).copyMemory(from: ring.data, byteCount: count - first)
        }
        self.tail = tail &+ UInt64(count)
        lab_store_release_u64(ring.tail, self.tail)
        RingWaiting.wakeIfSleeping(signal: ring.spaceSignal, sleeping: ring.producerSleeping)
        return count
    }
}
