import LabCore

/// One measured size of a crossover scan: the medians of each mode's wall time.
package struct CrossoverPoint: Sendable {
    package var size: Int
    package var tasks: Int
    package var sequentialSeconds: Double
    /// The median of each pooled mode measured (threads, processes, async); NaN for a mode
    /// whose repetitions all failed.
    package var seconds: [ExecutionMode: Double]
    /// `doubling` or `bisecting`.
    package var phase: String
    /// Every measured repetition at this size.
    package var records: [RepetitionRecord]

    package init(
        size: Int, tasks: Int, sequentialSeconds: Double, seconds: [ExecutionMode: Double], phase: String,
        records: [RepetitionRecord]
    ) {
        self.size = size
        self.tasks = tasks
        self.sequentialSeconds = sequentialSeconds
        self.seconds = seconds
        self.phase = phase
        self.records = records
    }

    /// A point of threads and processes, the pools a scan compares by default.
    package init(
        size: Int, tasks: Int, sequentialSeconds: Double, threadsSeconds: Double, processesSeconds: Double,
        phase: String, records: [RepetitionRecord]
    ) {
        self.init(
            size: size, tasks: tasks, sequentialSeconds: sequentialSeconds,
            seconds: [.threads: threadsSeconds, .processes: processesSeconds],
            phase: phase, records: records)
    }

    /// The pooled modes measured here, in the lab's order of modes.
    package var modes: [ExecutionMode] { ExecutionMode.allCases.filter { seconds[$0] != nil } }

    /// Sequential over `mode`'s median; NaN when it was not measured or failed.
    package func speedup(_ mode: ExecutionMode) -> Double { sequentialSeconds / (seconds[mode] ?? .nan) }

    package var threadsSpeedup: Double { speedup(.threads) }
    package var processesSpeedup: Double { speedup(.processes) }
    /// Above 1: processes are slower than threads by this factor.
    package var processesOverThreads: Double { (seconds[.processes] ?? .nan) / (seconds[.threads] ?? .nan) }

    /// Whether `crossing` holds here. A failed mode (a NaN median) holds nothing.
    package func holds(_ crossing: CrossoverFinding.Crossing, tolerance: Double) -> Bool {
        switch crossing {
        case .beatsSequential(let mode): speedup(mode) > 1
        case .processesCatchThreads: processesOverThreads <= 1 + tolerance
        }
    }
}
