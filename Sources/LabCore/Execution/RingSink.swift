import CLabSupport
import Glibc

/// The producer's end of a ``SharedRing`` as a ``ByteSink`` for a ``FrameWriter``.
package struct RingSink: ByteSink {
    private let ring: SharedRing
    private let region: SharedRegion
    private var head: UInt64
    private let waiting: RingWaiting

    package init(_ ring: SharedRing, of region: SharedRegion, waiting: RingWaiting) {
        self.ring = ring
        self.region = region
        self.head = lab_load_acquire_u64(ring.head)
        self.waiting = waiting
    }

    /// Copies `bytes` in, publishing as much as fits each time and waiting for room as needed.
    /// - Throws: `EPIPE` when the consumer died while the ring was full.
    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        let ring = ring
        let capacity = UInt64(ring.capacity)
        var written = 0
        while written < bytes.count {
            let head = head
            var room = Int(capacity - (head &- lab_load_acquire_u64(ring.tail)))
            if room == 0 {
                let outcome = waiting.wait(
                    until: { capacity - (head &- lab_load_acquire_u64(ring.tail)) > 0 }, signal: ring.spaceSignal,
                    sleeping: ring.producerSleeping, deadline: .infinity)
                guard case .ready = outcome else { throw SystemError(call: "write", errno: EPIPE) }
                room = Int(capacity - (head &- lab_load_acquire_u64(ring.tail)))
            }
            let count = min(room, bytes.count - written)
            let offset = Int(head % capacity)
            let first = min(count, ring.capacity - offset)
            (ring.data + offset).copyMemory(from: bytes.baseAddress! + written, byteCount: first)
            if count > first {
                ring.data.copyMemory(from: bytes.baseAddress! + written + first, byteCount: count - first)
            }
            written += count
            self.head = head &+ UInt64(count)
            lab_store_release_u64(ring.head, self.head)
            RingWaiting.wakeIfSleeping(signal: ring.dataSignal, sleeping: ring.consumerSleeping)
        }
    }

    /// Tells the consumer that nothing more comes (see ``SharedRing/close()``).
    package func close() {
        ring.close()
    }
}
