import Glibc
import Testing

@testable import LabCore

/// The run's shared regions: lent to a worker, taken back when it is gone, lent again empty.
@Suite struct SharedRegionPoolTests {
    @Test(
        "a region given back is lent again to a worker of the same shape, its rings empty; another shape gets a new one"
    )
    func reuse() throws {
        let pool = SharedRegionPool()
        let (first, descriptor) = try pool.lend(inputSlotBytes: 5000, resultSlotBytes: 0)
        Platform.close(descriptor)
        #expect(first.inputSlot.count == 8192 && first.resultSlot.count == 0)
        // A worker's session leaves bytes on the rings.
        var writer = FrameWriter(
            sink: RingSink(first.requests, of: first, waiting: RingWaiting(spinPolls: 0, peerAlive: { true })))
        try writer.write(Frame(kind: .finish, payload: [1, 2, 3]))
        first.requests.close()
        pool.give(first)

        let (again, second) = try pool.lend(inputSlotBytes: 4097, resultSlotBytes: 0)
        Platform.close(second)
        #expect(again === first)
        var reader = FrameReader(
            source: RingSource(again.requests, of: again, waiting: RingWaiting(spinPolls: 0, peerAlive: { true })))
        // Empty and open: nothing to read before the deadline.
        reader.updateSource { $0.deadline = Platform.monotonicSeconds() + 0.01 }
        #expect(throws: ReadDeadlinePassed.self) { try reader.readFrame() }
        pool.give(again)

        let (other, third) = try pool.lend(inputSlotBytes: 0, resultSlotBytes: 4096)
        Platform.close(third)
        #expect(other !== first)
        pool.drain()
    }

    @Test("a region still lent is never lent twice, and a drained pool keeps no spare")
    func lentOnce() throws {
        let pool = SharedRegionPool()
        let (a, first) = try pool.lend(inputSlotBytes: 0, resultSlotBytes: 0)
        let (b, second) = try pool.lend(inputSlotBytes: 0, resultSlotBytes: 0)
        [first, second].forEach(Platform.close)
        #expect(a !== b)
        pool.give(a)
        pool.give(a)
        let (c, third) = try pool.lend(inputSlotBytes: 0, resultSlotBytes: 0)
        Platform.close(third)
        #expect(c === a)
        let (d, fourth) = try pool.lend(inputSlotBytes: 0, resultSlotBytes: 0)
        Platform.close(fourth)
        #expect(d !== a && d !== b)
        pool.give(d)
        pool.drain()
        let (e, fifth) = try pool.lend(inputSlotBytes: 0, resultSlotBytes: 0)
        Platform.close(fifth)
        #expect(e !== d)
        pool.drain()
    }
}
