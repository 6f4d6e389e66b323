import Synchronization
import Testing

@testable import LabCore

/// Shared regions: a worker serving an in-place workload through a region's slots, on a
/// thread of this process (the mapping is the same memory two processes would share), and a
/// descriptor that is not a region.
@Suite struct SharedRegionTests {
    final class Status: Sendable {
        let value = Mutex<Int32?>(nil)
    }

    /// Runs the service on a region sized for tasks of `size` bytes each way, and `session` as the coordinator.
    static func serve(
        size: Int, _ session: (SharedRegion, inout FrameWriter<RingSink>, inout FrameReader<RingSource>) throws -> Void
    ) throws -> Int32? {
        let (region, descriptor) = try SharedRegion.create(capacity: 4096, inputSlotBytes: size, resultSlotBytes: size)
        Platform.close(descriptor)
        let status = Status()
        let waiting = RingWaiting(spinPolls: 0, peerAlive: { true })
        let thread = try JoinableThread { [region] in
            let waiting = RingWaiting(spinPolls: 0, peerAlive: { true })
            let served =
                (try? WorkerService(registry: WorkloadRegistry([InPlaceEcho.self])).serve(
                    region: region, waiting: waiting)) != nil
            status.value.withLock { $0 = served ? 0 : 1 }
        }
        var writer = FrameWriter(sink: RingSink(region.requests, of: region, waiting: waiting))
        var reader = FrameReader(source: RingSource(region.replies, of: region, waiting: waiting))
        try session(region, &writer, &reader)
        region.requests.close()
        thread.join()
        return status.value.withLock { $0 }
    }

    @Test(
        "the worker reads its input where the coordinator wrote it and writes its result where the coordinator reads it"
    )
    func inPlaceSession() throws {
        let echo = try configuredInPlaceEcho(["size": "5000"], tasks: 3)
        let inPlace = try #require(echo.instance as? any InPlaceWorkload)
        let status = try Self.serve(size: 5000) { region, writer, reader in
            #expect(region.inputSlot.count == 8192 && region.resultSlot.count == 8192)
            try writer.write(
                WorkerMessage.setup(
                    workload: InPlaceEcho.name, parameters: echo.parameters.canonicalText, fixtureValues: [:],
                    taskCount: 3
                ).frame)
            guard case .ready = try WorkerMessage(frame: try #require(try reader.readFrame())) else {
                Issue.record("expected ready"); return
            }
            for index in 0..<3 {
                inPlace.writeInput(
                    forTask: index, into: UnsafeMutableRawBufferPointer(rebasing: region.inputSlot[0..<5000]))
                try writer.write(WorkerMessage.taskInSlot(index: index, inputBytes: 5000).frame)
                let answer = try WorkerMessage(frame: try #require(try reader.readFrame()))
                guard case .resultInSlot(index, let output, 5000, _, _) = answer else {
                    Issue.record("expected result \(index), got \(answer)"); return
                }
                let expected = try echo.instance.run(task: index, input: echo.instance.input(forTask: index))
                #expect(output.checksum == expected.checksum)
                #expect(Array(region.resultSlot[0..<5000]) == expected.payload)
            }
        }
        #expect(status == 0)
    }

    @Test("an input said to be larger than the slot is a protocol error: the worker stops with status 1")
    func inputLargerThanSlot() throws {
        let echo = try configuredInPlaceEcho(["size": "10"], tasks: 1)
        let status = try Self.serve(size: 10) { region, writer, reader in
            try writer.write(
                WorkerMessage.setup(
                    workload: InPlaceEcho.name, parameters: echo.parameters.canonicalText, fixtureValues: [:],
                    taskCount: 1
                ).frame)
            _ = try reader.readFrame()
            try writer.write(WorkerMessage.taskInSlot(index: 0, inputBytes: region.inputSlot.count + 1).frame)
            #expect(try reader.readFrame() == nil)
        }
        #expect(status == 1)
    }

    @Test("a descriptor that is not a lab region is refused")
    func attachRefusesOtherFiles() throws {
        let descriptor = try Platform.openForReading("/proc/self/stat")
        defer { Platform.close(descriptor) }
        #expect(throws: SystemError.self) { try SharedRegion.attach(descriptor: descriptor) }
    }
}
