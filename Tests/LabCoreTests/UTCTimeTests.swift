import Testing

@testable import LabCore

@Suite struct UTCTimeTests {
    @Test("a known Unix time in both forms")
    func forms() {
        // 1,795,000,000 s after the epoch is 2026-11-18 11:06:40 UTC (Python's datetime agrees).
        let time = UTCTime(1_795_000_000)
        #expect(time.compact == "20261118T110640Z")
        #expect(time.iso8601 == "2026-11-18T11:06:40Z")
    }
}
