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
        #expect(usage.maxResidentKiB > 0 && usage.maxResidentKiB < before - (200 << 10), "\(usage.maxResidentKiB) KiB after, \(before) KiB before")
    }
}
