/// The memory a process holds, as `/proc/<pid>/smaps_rollup` counts it: resident (RSS), its
/// proportional share of pages it shares with others (PSS), and the pages only it maps (USS).
/// RSS counts a shared page (the lab binary's code, say) once in every process that maps it;
/// PSS divides it among them; USS leaves it out: what the process would give back by exiting.
package struct MemoryFootprint: Sendable, Equatable {
    package var residentKiB: Int
    package var proportionalKiB: Int
    package var uniqueKiB: Int

    package init(residentKiB: Int = 0, proportionalKiB: Int = 0, uniqueKiB: Int = 0) {
        self.residentKiB = residentKiB
        self.proportionalKiB = proportionalKiB
        self.uniqueKiB = uniqueKiB
    }

    package static func + (left: MemoryFootprint, right: MemoryFootprint) -> MemoryFootprint {
        MemoryFootprint(
            residentKiB: left.residentKiB + right.residentKiB,
            proportionalKiB: left.proportionalKiB + right.proportionalKiB,
            uniqueKiB: left.uniqueKiB + right.uniqueKiB)
    }

    /// Parses `smaps_rollup` text (`Rss:`, `Pss:`, `Private_Clean:`, `Private_Dirty:` in kB);
    /// `nil` when a line is missing.
    package static func parse(smapsRollup text: String) -> MemoryFootprint? {
        let values = ProcText.values(named: ["Rss", "Pss", "Private_Clean", "Private_Dirty"], in: text, separator: ":")
        guard let rss = values[0], let pss = values[1], let clean = values[2], let dirty = values[3] else { return nil }
        return MemoryFootprint(residentKiB: rss, proportionalKiB: pss, uniqueKiB: clean + dirty)
    }
}
