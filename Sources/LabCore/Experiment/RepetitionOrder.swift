/// In which order a workload's measured repetitions run.
package enum RepetitionOrder: String, Sendable, CaseIterable {
    /// Sequential, threads, processes, async, sequential, ...: drift hits every mode alike.
    case interleaved
    /// All of a cell's repetitions back to back, then the next cell's.
    case grouped
}
