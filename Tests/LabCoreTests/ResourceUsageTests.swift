import Testing

@testable import LabCore

@Suite struct ResourceUsageTests {
    @Test("this process can lower its own peak memory and read it back")
    func peakReset() throws {
        // Touch 256 MiB: while it is resident, the peak is at least that, whatever other
        // tests of this process do (a reset only lowers the peak to what is resident). Then
        // give it back (an allocation this large is its own mapping) and reset: the peak
        // must fall far below the one read before.
        let bytes = 256 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 4096)
        for offset in stride(from: 0, to: bytes, by: 4096) { buffer[offset] = 1 }
        let before = try #require(Platform.peakResidentKiB())
        #expect(before >= bytes >> 10)
        buffer.deallocate()
        #expect(Platform.resetPeakResident())
        let usage = Platform.processUsage()
        #expect(usage.userSeconds > 0)
        #expect(
            usage.maxResidentKiB > 0 && usage.maxResidentKiB < before - (200 << 10),
            "\(usage.maxResidentKiB) KiB after, \(before) KiB before")
    }

    @Test("another process's CPU time so far is read from /proc/PID/stat; a process that is gone has none")
    func processCPU() throws {
        // This process has used CPU already (the test runner started it); it never goes down.
        let first = try #require(Platform.processCPUSeconds(Platform.processID))
        #expect(first > 0)
        // Spin until the count has grown by 50 ms (10 s at most): it follows the CPU used.
        var spin: UInt64 = 1
        let until = Platform.monotonicSeconds() + 10
        var second = first
        while second < first + 0.05, Platform.monotonicSeconds() < until {
            for _ in 0..<100_000 { spin = spin &* 6_364_136_223_846_793_005 &+ 1 }
            second = try #require(Platform.processCPUSeconds(Platform.processID))
        }
        #expect(spin != 0)
        #expect(second >= first + 0.05, "\(first) s, then \(second) s after spinning for up to 10 s")
        // Process IDs stop below the kernel's limit (pid_max is at most 4,194,304).
        #expect(Platform.processCPUSeconds(Int32.max) == nil)
    }
}
