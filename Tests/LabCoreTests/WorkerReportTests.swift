import Testing

@testable import LabCore

@Suite struct WorkerReportTests {
    @Test("a worker's report survives its frame: usage to the microsecond, its lane to the nanosecond, its memory")
    func usageRoundTrip() throws {
        let usage = ResourceUsage(
            userSeconds: 1.25, systemSeconds: 0.000_5, maxResidentKiB: 16_384, voluntaryContextSwitches: 7,
            involuntaryContextSwitches: 2,
            minorFaults: 30_500, majorFaults: 3)
        let report = WorkerReport(
            usage: usage,
            lane: SchedulerCounters(runningSeconds: 0.123_456_789, waitingSeconds: 0.000_000_5, migrations: 4),
            memory: MemoryFootprint(residentKiB: 20_000, proportionalKiB: 8_000, uniqueKiB: 1_700))
        #expect(try WorkerMessage(frame: WorkerMessage.usage(report).frame) == .usage(report))
        // A kernel without scheduler statistics or smaps_rollup: those parts stay absent, not 0.
        let bare = WorkerReport(usage: usage)
        #expect(try WorkerMessage(frame: WorkerMessage.usage(bare).frame) == .usage(bare))
        #expect(try WorkerMessage(frame: WorkerMessage.finish.frame) == .finish)
    }

    @Test("this process's own report has every part, none negative, and faults that grow with fresh memory")
    func ownReport() throws {
        let before = WorkerReport.current()
        let lane = try #require(before.lane)
        let memory = try #require(before.memory)
        #expect(lane.runningSeconds > 0 && lane.waitingSeconds >= 0 && lane.migrations >= 0)
        #expect(
            memory.residentKiB >= memory.proportionalKiB && memory.proportionalKiB >= memory.uniqueKiB
                && memory.uniqueKiB > 0)
        // 64 MiB of fresh pages, each written once: at least one minor fault per 4 KiB page
        // (fewer only with transparent huge pages, so the bound is a 2 MiB page each).
        let bytes = 64 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 4096)
        defer { buffer.deallocate() }
        for offset in stride(from: 0, to: bytes, by: 4096) { buffer[offset] = 1 }
        let faults = Platform.processUsage().minorFaults - before.usage.minorFaults
        #expect(faults >= bytes / (2 << 20))
        #expect(before.usage.majorFaults >= 0)
    }
}
