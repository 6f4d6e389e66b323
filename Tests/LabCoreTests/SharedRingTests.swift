import Foundation
import Synchronization
import Testing

@testable import LabCore

/// The `shm` transport's rings, between two threads of this process (the bytes and the
/// waiting are the same as between two processes: the region is a shared mapping).
@Suite struct SharedRingTests {
    static func alive() -> Bool { true }

    /// CPU seconds the calling thread has used.
    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    final class Flag: Sendable {
        let value = Atomic<Bool>(true)
    }

    @Test("frames of every size cross a small ring intact, wrapping round it many times", arguments: [0, 50])
    func framesCrossTheRing(spinPolls: Int) throws {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096)
        Platform.close(descriptor)
        var random = DeterministicRandom(seed: 7)
        let frames = (0..<300).map { index in
            Frame(
                kind: .task, payload: DeterministicRandom.bytes(count: Int(random.next() % 20_000), seed: UInt64(index))
            )
        }
        let producer = try JoinableThread { [region] in
            var writer = FrameWriter(
                sink: RingSink(
                    region.requests, of: region, waiting: RingWaiting(spinPolls: spinPolls, peerAlive: Self.alive)))
            for frame in frames { try? writer.write(frame) }
            RingSink(region.requests, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive)).close()
        }
        var reader = FrameReader(
            source: RingSource(
                region.requests, of: region, waiting: RingWaiting(spinPolls: spinPolls, peerAlive: Self.alive)))
        var received: [Frame] = []
        while let frame = try reader.readFrame() { received.append(frame) }
        producer.join()
        #expect(received.count == frames.count)
        #expect(received == frames)
    }

    @Test(
        "a reader whose writer died reads what was published, then the end; a frame cut short is an error, never a frame"
    )
    func writerDies() throws {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096)
        Platform.close(descriptor)
        let whole = Frame(kind: .result, payload: [1, 2, 3])
        var writer = FrameWriter(
            sink: RingSink(region.replies, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive)))
        try writer.write(whole)
        // Half a frame, as a worker killed mid-write leaves it: a header that promises 100 bytes, and 10 of them.
        var sink = RingSink(region.replies, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive))
        let header: [UInt8] = [100, 0, 0, 0, FrameKind.result.rawValue] + [UInt8](repeating: 9, count: 10)
        try sink.write(header)
        var reader = FrameReader(
            source: RingSource(region.replies, of: region, waiting: RingWaiting(spinPolls: 10, peerAlive: { false })))
        #expect(try reader.readFrame() == whole)
        #expect(throws: WireFormatError.truncatedFrame(received: 15, expected: 105)) { try reader.readFrame() }
    }

    @Test("a reader with nothing to read gives up at its deadline, sleeping rather than spinning")
    func deadline() throws {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096)
        Platform.close(descriptor)
        var source = RingSource(region.replies, of: region, waiting: RingWaiting(spinPolls: 100, peerAlive: Self.alive))
        source.deadline = Platform.monotonicSeconds() + 0.05
        let before = Self.threadCPUSeconds()
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(throws: ReadDeadlinePassed.self) { try buffer.withUnsafeMutableBytes { try source.read(into: $0) } }
        // It slept on the futex: far less CPU than the 50 ms it waited.
        #expect(Self.threadCPUSeconds() - before < 0.025)
    }

    @Test("a writer waiting for room wakes when the reader takes bytes, and fails with EPIPE when the reader dies")
    func writerWaitsForRoom() throws {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096)
        Platform.close(descriptor)
        let readerAlive = Flag()
        let bytes = [UInt8](repeating: 5, count: 3 * 4096)
        var sink = RingSink(
            region.requests, of: region,
            waiting: RingWaiting(spinPolls: 0, peerAlive: { readerAlive.value.load(ordering: .acquiring) }))
        let reader = try JoinableThread { [region] in
            var source = RingSource(
                region.requests, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive))
            var buffer = [UInt8](repeating: 0, count: 2 * 4096)
            _ = try? buffer.withUnsafeMutableBytes { try source.readFully(into: $0) }
        }
        // 2 of the 3 ring-fulls are taken by the reader; the last one waits in the ring.
        try sink.write(bytes)
        reader.join()
        readerAlive.value.store(false, ordering: .releasing)
        #expect(throws: SystemError(call: "write", errno: EPIPE)) {
            try sink.write(Array(bytes[0..<10]))
        }
    }

    @Test(
        "garbage written into a live ring's positions by the other side is a protocol error on either end, never a trap or a read past the ring",
        arguments: [UInt64(7), UInt64(4096 + 1), UInt64.max / 2])
    func garbageInTheRing(distance: UInt64) throws {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096)
        Platform.close(descriptor)
        // A frame crosses, so the positions are not at zero.
        var writer = FrameWriter(
            sink: RingSink(region.replies, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive)))
        try writer.write(Frame(kind: .result, payload: [1, 2, 3]))
        var reader = FrameReader(
            source: RingSource(region.replies, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive)))
        #expect(try reader.readFrame() == Frame(kind: .result, payload: [1, 2, 3]))
        let ring = region.replies
        let tail = ring.tail.pointee
        // The producer's head, scribbled: behind the tail, or more than a ring ahead of it.
        ring.head.pointee = distance == 7 ? tail &- distance : tail &+ distance
        var source = RingSource(region.replies, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive))
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(throws: SharedRingViolation.self) {
            _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        }
        // The consumer's tail, scribbled: the producer refuses to write rather than trust it.
        let requests = region.requests
        requests.tail.pointee = requests.head.pointee &+ (distance == 7 ? distance : 0 &- distance)
        var sink = RingSink(region.requests, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: Self.alive))
        #expect(throws: SystemError(call: "write", errno: EPROTO)) { try sink.write([9, 9, 9]) }
    }

    @Test(
        "a shared region's memory file cannot be shrunk or grown by anyone who gets hold of it, so no worker can pull it from under the coordinator"
    )
    func regionIsSealed() throws {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096)
        defer { Platform.close(descriptor) }
        #expect(ftruncate(descriptor, 4096) != 0 && errno == EPERM)
        #expect(ftruncate(descriptor, off_t(region.length + 4096)) != 0 && errno == EPERM)
        // The worker writes the rings: writes stay allowed.
        #expect(try Platform.sharedMemorySeals(descriptor) & 0x0010 == 0)
    }

    @Test(
        "a pool whose polling sides outnumber its cores polls for its share of a core, yields, and sleeps in longer slices; a worker hears it"
    )
    func crowding() {
        let roomy = TransportSettings(.shm, spinPolls: 2000, lanes: 1, cores: 2)
        #expect(roomy.crowding == 1 && !roomy.sharesCores && roomy.spinPolls == 2000)
        let two = TransportSettings(.shm, spinPolls: 2000, lanes: 2, cores: 2)
        #expect(two.crowding == 2 && two.sharesCores && two.spinPolls == 1000)
        let wide = TransportSettings(.shm, spinPolls: 2000, lanes: 1024, cores: 2)
        #expect(wide.crowding == 1024 && wide.spinPolls == 1)
        #expect(RingWaiting(roomy, peerAlive: { true }).sliceNanoseconds == 5_000_000)
        #expect(RingWaiting(wide, peerAlive: { true }).sliceNanoseconds == 5_120_000_000)
        #expect(RingWaiting.sliceNanoseconds(crowding: 1 << 30) == 10_000_000_000)
        // What a worker is told through its environment, and reads back.
        let connection = try? WorkerConnection.make(wide)
        #expect(connection?.environment[Transport.crowdingEnvironmentVariable] == "1024")
        #expect(connection?.environment[Transport.spinEnvironmentVariable] == "1")
        connection?.abandon()
    }
}
