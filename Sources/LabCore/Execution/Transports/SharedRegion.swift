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
/// The coordinator creates the file, the worker gets it as its standard input (the spawn
/// closes every other descriptor in the child) and maps it too. A page of a slot
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
        Platform.unmap(base, length: length)
    }

    /// Creates and maps a region whose rings hold `capacity` bytes each (a power of two), with
    /// slots of at least `inputSlotBytes` and `resultSlotBytes` (rounded up to whole pages).
    /// - Returns: the region and the memory file's descriptor (close-on-exec), which the
    ///   caller hands to the worker and then closes; the mapping keeps the memory alive.
    package static func create(
        capacity: Int = defaultCapacity, inputSlotBytes: Int = 0, resultSlotBytes: Int = 0
    ) throws(SystemError) -> (region: SharedRegion, descriptor: Int32) {
        precondition(
            capacity >= 4096 && capacity & (capacity - 1) == 0, "a ring's capacity is a power of two of at least a page"
        )
        let inputSlot = wholePages(inputSlotBytes)
        let resultSlot = wholePages(resultSlotBytes)
        let length = dataOffset + 2 * capacity + inputSlot + resultSlot
        let (descriptor, base) = try Platform.createSharedMemory(named: fileName, length: length)
        // The worker writes the rings, but can never change the region's size: a region cut
        // short under the coordinator's mapping would kill the coordinator with SIGBUS.
        try Platform.sealSharedMemory(descriptor, mappedAt: base, length: length, writes: false)
        let region = SharedRegion(
            base: base, length: length, capacity: capacity, inputSlotBytes: inputSlot, resultSlotBytes: resultSlot)
        region.base.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: 8, as: UInt64.self)
        region.base.storeBytes(of: UInt64(inputSlot).littleEndian, toByteOffset: 16, as: UInt64.self)
        region.base.storeBytes(of: UInt64(resultSlot).littleEndian, toByteOffset: 24, as: UInt64.self)
        region.base.storeBytes(of: magic.littleEndian, toByteOffset: 0, as: UInt64.self)
        return (region, descriptor)
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
        let length = try Platform.fileSize(descriptor)
        guard length > dataOffset else { throw SystemError(call: "fstat", errno: EINVAL) }
        let base = try Platform.mapShared(descriptor, length: length, writable: true)
        func field(_ offset: Int) -> Int {
            Int(truncatingIfNeeded: UInt64(littleEndian: base.load(fromByteOffset: offset, as: UInt64.self)))
        }
        let magic = UInt64(littleEndian: base.load(fromByteOffset: 0, as: UInt64.self))
        let (capacity, inputSlot, resultSlot) = (field(8), field(16), field(24))
        // Each field at most the file's length, so that the sum cannot overflow.
        guard magic == SharedRegion.magic, (1...length).contains(capacity), (0...length).contains(inputSlot),
            (0...length).contains(resultSlot),
            dataOffset + 2 * capacity + inputSlot + resultSlot == length
        else {
            Platform.unmap(base, length: length)
            throw SystemError(call: "mmap", errno: EINVAL)
        }
        return SharedRegion(
            base: base, length: length, capacity: capacity, inputSlotBytes: inputSlot, resultSlotBytes: resultSlot)
    }

    /// Where the control block of each ring starts (see the layout above).
    static let requestControlOffset = 256
    package static let replyControlOffset = 512
    /// The name of the memory file, as `/proc/<pid>/maps` shows it (`/memfd:lab-worker`).
    package static let fileName = "lab-worker"

    /// Coordinator to worker.
    package var requests: SharedRing {
        SharedRing(
            control: base + SharedRegion.requestControlOffset, data: base + SharedRegion.dataOffset, capacity: capacity)
    }
    /// Worker to coordinator.
    package var replies: SharedRing {
        SharedRing(
            control: base + SharedRegion.replyControlOffset, data: base + SharedRegion.dataOffset + capacity,
            capacity: capacity)
    }
}
