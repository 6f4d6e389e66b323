/// Sequential, threads and processes at one setting, measured together (one warm-up round,
/// then interleaved rounds): what `lab bench` and `lab crossover` compare.
public struct ModeComparison: Sendable {
    public static let modes: [ExecutionMode] = [.sequential, .threads, .processes]

    /// Every measured repetition, in the order taken.
    public let records: [RepetitionRecord]

    /// Measures `workload` in the three modes, the pools with `workers` each.
    public init(measuring workload: ConfiguredWorkload, workers: Int, repetitions: Int, coordinator: ExperimentRunner) {
        let plan = ExperimentPlan(workloads: [workload], modes: Self.modes, workerCounts: [workers], repetitions: repetitions, warmup: 1)
        records = coordinator.run(plan) { _ in }
    }

    /// The median of `seconds` (the wall time by default) over the successful repetitions in
    /// `mode`; NaN when none succeeded.
    public func median(_ mode: ExecutionMode, _ seconds: (RepetitionRecord) -> Double = { $0.wallSeconds }) -> Double {
        Statistics.median(records.filter { $0.mode == mode && $0.status == .ok }.map(seconds)) ?? .nan
    }
}
