import LabCore

/// One measured size of a crossover scan: the medians of each mode's wall time.
package struct CrossoverPoint: Sendable {
    package var size: Int
    package var tasks: Int
    package var sequentialSeconds: Double
    package var threadsSeconds: Double
    package var processesSeconds: Double
    /// `doubling` or `bisecting`.
    package var phase: String
    /// Every measured repetition at this size.
    package var records: [RepetitionRecord]

    package init(
        size: Int, tasks: Int, sequentialSeconds: Double, threadsSeconds: Double, processesSeconds: Double, phase: String, records: [RepetitionRecord]
    ) {
        self.size = size
        self.tasks = tasks
        self.sequentialSeconds = sequentialSeconds
        self.threadsSeconds = threadsSeconds
        self.processesSeconds = processesSeconds
        self.phase = phase
        self.records = records
    }

    package var threadsSpeedup: Double { sequentialSeconds / threadsSeconds }
    package var processesSpeedup: Double { sequentialSeconds / processesSeconds }
    /// Above 1: processes are slower than threads by this factor.
    package var processesOverThreads: Double { processesSeconds / threadsSeconds }

    /// Whether `crossing` holds here. A failed mode (a NaN median) holds nothing.
    package func holds(_ crossing: CrossoverFinding.Crossing, tolerance: Double) -> Bool {
        switch crossing {
        case .threadsBeatSequential: threadsSpeedup > 1
        case .processesBeatSequential: processesSpeedup > 1
        case .processesCatchThreads: processesOverThreads <= 1 + tolerance
        }
    }
}
