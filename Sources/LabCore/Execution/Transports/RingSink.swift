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
    /// - Throws: `EPIPE` when the consumer died while the ring was full; `EPROTO` when the
    ///   consumer's tail (the other process's word) is ahead of this side's head or more than
    ///   a ring behind it: garbage, never trusted.
    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        let ring = ring
        let capacity = UInt64(ring.capacity)
        var written = 0
        while written < bytes.count {
            let head = head
            // Bytes the consumer has yet to read; more than the ring holds is garbage.
            let unread = { head &- lab_load_acquire_u64(ring.tail) }
            var used = unread()
            if used == capacity {
                let outcome = waiting.wait(
                    until: { unread() != capacity }, signal: ring.spaceSignal, sleeping: ring.producerSleeping,
                    deadline: .infinity)
                guard case .ready = outcome else { throw SystemError(call: "write", errno: EPIPE) }
                used = unread()
            }
            guard used < capacity else { throw SystemError(call: "write", errno: EPROTO) }
            let room = Int(capacity - used)
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
