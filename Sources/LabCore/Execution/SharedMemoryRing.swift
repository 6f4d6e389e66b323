import CLabSupport
import Glibc

/// The memory an `shm` worker shares with its coordinator: an anonymous memory file (it has
/// no name in any file system, so nothing is left behind when the last process holding it
/// ends), holding two rings of frame bytes, one each way, and two slots for an
/// ``InPlaceWorkload``'s bytes: the input the coordinator writes for the worker's task, and
/// the result the worker writes for the coordinator. Each side reads the other's slot in
/// place; a frame on a ring says when a slot is full.
///
/// Layout (every counter on a cache line of its own, so that the two sides do not fight
/// over lines they do not share):
///
/// | offset | what |
/// |---|---|
/// | 0 | magic (`labshm`, version 2), 8 bytes |
/// | 8 | capacity of each ring in bytes, 8 bytes |
/// | 16 | bytes of the input slot, then of the result slot, 8 bytes each (multiples of a page) |
/// | 256 | control block of the request ring (coordinator to worker) |
/// | 512 | control block of the reply ring (worker to coordinator) |
/// | 4096 | the request ring's bytes, then the reply ring's, the input slot, the result slot |
///
/// The coordinator creates the file, the worker gets it as its standard input (Foundation's
/// `Process` closes every other descriptor in the child) and maps it too. A page of a slot
/// costs nothing until it is first written.
package final class SharedRegion: @unchecked Sendable {
    static let magic: UInt64 = 0x0002_6d68_7362_616c
    static let dataOffset = 4096
    /// The bytes of each ring when the coordinator does not say: enough for most frames to
    /// go in one piece, and few pages to touch (a fresh region's pages are faulted in as the
    /// rings go round).
    package static let defaultCapacity = 1 << 20

    let base: UnsafeMutableRawPointer
    let length: Int
    package let capacity: Int
    /// Where the coordinator writes a task's input in place and the worker reads it.
    package let inputSlot: UnsafeMutableRawBufferPointer
    /// Where the worker writes a task's result in place and the coordinator reads it.
    package let resultSlot: UnsafeMutableRawBufferPointer

    private init(base: UnsafeMutableRawPointer, length: Int, capacity: Int, inputSlotBytes: Int, resultSlotBytes: Int) {
        self.base = base
        self.length = length
        self.capacity = capacity
        let slots = base + SharedRegion.dataOffset + 2 * capacity
        inputSlot = UnsafeMutableRawBufferPointer(start: slots, count: inputSlotBytes)
        resultSlot = UnsafeMutableRawBufferPointer(start: slots + inputSlotBytes, count: resultSlotBytes)
    }

    deinit {
        munmap(base, length)
    }

    /// Creates and maps a region whose rings hold `capacity` bytes each (a power of two), with
    /// slots of at least `inputSlotBytes` and `resultSlotBytes` (rounded up to whole pages).
    /// - Returns: the region and the memory file's descriptor (close-on-exec), which the
    ///   caller hands to the worker and then closes; the mapping keeps the memory alive.
    package static func create(
        capacity: Int = defaultCapacity, inputSlotBytes: Int = 0, resultSlotBytes: Int = 0
    ) throws(SystemError) -> (region: SharedRegion, descriptor: Int32) {
        precondition(capacity >= 4096 && capacity & (capacity - 1) == 0, "a ring's capacity is a power of two of at least a page")
        let inputSlot = wholePages(inputSlotBytes)
        let resultSlot = wholePages(resultSlotBytes)
        let length = dataOffset + 2 * capacity + inputSlot + resultSlot
        let descriptor = lab_memory_file("lab-worker", UInt64(length))
        if descriptor < 0 { throw SystemError(call: "memfd_create", errno: errno) }
        do throws(SystemError) {
            let region = SharedRegion(
                base: try mapping(descriptor, length: length), length: length, capacity: capacity, inputSlotBytes: inputSlot,
                resultSlotBytes: resultSlot)
            region.base.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: 8, as: UInt64.self)
            region.base.storeBytes(of: UInt64(inputSlot).littleEndian, toByteOffset: 16, as: UInt64.self)
            region.base.storeBytes(of: UInt64(resultSlot).littleEndian, toByteOffset: 24, as: UInt64.self)
            region.base.storeBytes(of: magic.littleEndian, toByteOffset: 0, as: UInt64.self)
            return (region, descriptor)
        } catch {
            Platform.close(descriptor)
            throw error
        }
    }

    /// `bytes` rounded up to whole pages: what a slot asked for `bytes` holds.
    package static func wholePages(_ bytes: Int) -> Int {
        (max(bytes, 0) + 4095) / 4096 * 4096
    }

    /// Empties both rings for a new worker (their control blocks back to zero); the header
    /// and the bytes stay. Only for a region no other process maps any more.
    package func reset() {
        (base + 256).initializeMemory(as: UInt8.self, repeating: 0, count: SharedRegion.dataOffset - 256)
    }

    /// Maps the region a coordinator created (the worker's side).
    /// - Throws: ``SystemError`` when the descriptor is not such a region (`EINVAL`) or
    ///   cannot be mapped.
    package static func attach(descriptor: Int32) throws(SystemError) -> SharedRegion {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemError(call: "fstat", errno: errno) }
        let length = Int(status.st_size)
        guard length > dataOffset else { throw SystemError(call: "fstat", errno: EINVAL) }
        let base = try mapping(descriptor, length: length)
        func field(_ offset: Int) -> Int { Int(truncatingIfNeeded: UInt64(littleEndian: base.load(fromByteOffset: offset, as: UInt64.self))) }
        let magic = UInt64(littleEndian: base.load(fromByteOffset: 0, as: UInt64.self))
        let (capacity, inputSlot, resultSlot) = (field(8), field(16), field(24))
        guard magic == SharedRegion.magic, capacity > 0, inputSlot >= 0, resultSlot >= 0,
            dataOffset + 2 * capacity + inputSlot + resultSlot == length
        else {
            munmap(base, length)
            throw SystemError(call: "mmap", errno: EINVAL)
        }
        return SharedRegion(base: base, length: length, capacity: capacity, inputSlotBytes: inputSlot, resultSlotBytes: resultSlot)
    }

    private static func mapping(_ descriptor: Int32, length: Int) throws(SystemError) -> UnsafeMutableRawPointer {
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), base != MAP_FAILED else {
            throw SystemError(call: "mmap", errno: errno)
        }
        return base
    }

    /// Coordinator to worker.
    package var requests: SharedRing { SharedRing(control: base + 256, data: base + SharedRegion.dataOffset, capacity: capacity) }
    /// Worker to coordinator.
    package var replies: SharedRing { SharedRing(control: base + 512, data: base + SharedRegion.dataOffset + capacity, capacity: capacity) }
}

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

    private func word64(_ offset: Int) -> UnsafeMutablePointer<UInt64> { (control + offset).assumingMemoryBound(to: UInt64.self) }
    private func word32(_ offset: Int) -> UnsafeMutablePointer<UInt32> { (control + offset).assumingMemoryBound(to: UInt32.self) }
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
        _ = lab_futex_wake(dataSignal)
    }
}

/// How a side of a shared ring waits: polls first, then sleeps in slices, checking between
/// slices that the other side is still alive.
package struct RingWaiting {
    /// Polls (a check and a CPU pause) before sleeping; `0` sleeps at once.
    package var spinPolls: Int
    /// Whether the other side can still answer; checked after each sleeping slice, since a
    /// process that dies wakes no futex.
    package var peerAlive: () -> Bool
    /// How long one sleep lasts at most: the longest a death goes unnoticed.
    package var sliceNanoseconds: Int64 = 5_000_000

    package init(spinPolls: Int, peerAlive: @escaping () -> Bool) {
        self.spinPolls = spinPolls
        self.peerAlive = peerAlive
    }

    /// How a child waits on its coordinator: the coordinator lives while it is still this
    /// process's parent (a child whose parent died is re-parented).
    package static func onParent(spinPolls: Int) -> RingWaiting {
        let parent = Platform.parentProcessID
        return RingWaiting(spinPolls: spinPolls, peerAlive: { Platform.parentProcessID == parent })
    }

    enum Outcome {
        case ready
        case peerGone
        case deadlinePassed
    }

    /// Waits until `ready()` holds. `signal` is the futex word the other side bumps after it
    /// made progress and saw `sleeping` set.
    func wait(
        until ready: () -> Bool, signal: UnsafeMutablePointer<UInt32>, sleeping: UnsafeMutablePointer<UInt32>, deadline: Double
    ) -> Outcome {
        var polls = 0
        while polls < spinPolls {
            if ready() { return .ready }
            lab_cpu_relax()
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
            _ = lab_futex_wait(signal, observed, slice)
            lab_store_release_u32(sleeping, 0)
            if ready() { return .ready }
            if !peerAlive() { return ready() ? .ready : .peerGone }
        }
    }
}

/// Bumps `signal` and wakes its sleeper, when the other side said it sleeps. Called after a
/// store the sleeper waits for; the fence orders that store before the read of `sleeping`
/// (the sleeper does the mirror image), so one of the two always sees the other.
private func wakeIfSleeping(signal: UnsafeMutablePointer<UInt32>, sleeping: UnsafeMutablePointer<UInt32>) {
    lab_full_fence()
    guard lab_load_acquire_u32(sleeping) != 0 else { return }
    lab_store_release_u32(signal, lab_load_acquire_u32(signal) &+ 1)
    _ = lab_futex_wake(signal)
}

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
        let count = min(buffer.count, Int(head &- tail))
        let offset = Int(tail % UInt64(ring.capacity))
        let first = min(count, ring.capacity - offset)
        buffer.baseAddress!.copyMemory(from: ring.data + offset, byteCount: first)
        if count > first {
            (buffer.baseAddress! + first).copyMemory(from: ring.data, byteCount: count - first)
        }
        self.tail = tail &+ UInt64(count)
        lab_store_release_u64(ring.tail, self.tail)
        wakeIfSleeping(signal: ring.spaceSignal, sleeping: ring.producerSleeping)
        return count
    }
}

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
            wakeIfSleeping(signal: ring.dataSignal, sleeping: ring.consumerSleeping)
        }
    }

    /// Tells the consumer that nothing more comes (see ``SharedRing/close()``).
    package func close() {
        ring.close()
    }
}
