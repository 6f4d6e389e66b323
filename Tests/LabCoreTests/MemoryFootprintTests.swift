import Testing

@testable import LabCore

@Suite struct MemoryFootprintTests {
    @Test("smaps_rollup gives RSS, PSS and USS (private clean + private dirty)")
    func memory() throws {
        let rollup = """
            558c62d64000-7ffe08292000 ---p 00000000 00:00 0                          [rollup]
            Rss:               40612 kB
            Pss:               15582 kB
            Pss_Dirty:          3000 kB
            Shared_Clean:      37000 kB
            Private_Clean:        60 kB
            Private_Dirty:      3400 kB
            """
        #expect(
            MemoryFootprint.parse(smapsRollup: rollup)
                == MemoryFootprint(residentKiB: 40612, proportionalKiB: 15582, uniqueKiB: 3460))
        // Pss_Dirty must not be taken for Pss, nor a missing line for 0.
        #expect(MemoryFootprint.parse(smapsRollup: "Pss_Dirty: 5 kB\nRss: 1 kB") == nil)
    }
}
