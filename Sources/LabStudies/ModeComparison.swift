import LabCore

/// Sequential and pools at one setting, measured together (one warm-up round, then
/// interleaved rounds): what `lab bench` and `lab crossover` compare. Every repetition
/// goes to the session's `results.csv`, and the modes must agree on the checksum.
package struct ModeComparison: Sendable {
    /// The modes a comparing study measures unless told others, in the order they run.
    package static let modes: [ExecutionMode] = [.sequential, .threads, .processes]

    /// Every measured repetition, in the order taken.
    package let records: [RepetitionRecord]

    /// Measures `workload` in `modes`, the pools with `workers` each, the worker processes over
    /// `transport`.
    /// - Throws: ``ChecksumProof/Mismatch`` when two modes did not do the same work (no
    ///   speedup is reported then), or what the session throws.
    package init(
        measuring workload: ConfiguredWorkload, modes: [ExecutionMode] = Self.modes, workers: Int, repetitions: Int,
        transport: Transport = .default, dataset: DatasetPlacement = .default,
        start: WorkerStart = .default, runner: ExperimentRunner, session: RunSession
    ) throws {
        let plan = ExperimentPlan(
            workloads: [workload], modes: modes, workerCounts: [workers], repetitions: repetitions, warmup: 1,
            transports: [transport],
            datasets: [dataset], starts: [start])
        records = try session.run(plan, with: runner)
        try ChecksumProof.check(records)
    }

    /// The median of `seconds` (the wall time by default) over the successful repetitions in
    /// `mode`; NaN when none succeeded.
    package func median(_ mode: ExecutionMode, _ seconds: (RepetitionRecord) -> Double = { $0.wallSeconds }) -> Double {
        Statistics.median(records.filter { $0.mode == mode && $0.status == .ok }.map(seconds)) ?? .nan
    }

    /// Every failed repetition's cell and error; empty when all succeeded.
    package var failures: [String] {
        records.filter { $0.status == .failed }.map { "\($0.workload) \($0.cellLabel): \($0.error ?? "")" }
    }
}
