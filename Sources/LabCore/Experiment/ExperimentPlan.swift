/// The whole experiment: every workload x mode x worker count, repeated.
package struct ExperimentPlan: Sendable {
    package let workloads: [ConfiguredWorkload]
    package let modes: [ExecutionMode]
    package let workerCounts: [Int]
    /// Measured repetitions per cell.
    package let repetitions: Int
    /// Unrecorded repetitions per cell, run before the measured ones.
    package let warmup: Int
    /// The transports process mode runs over: a process cell for each (`--transport`).
    package let transports: [Transport]
    /// Where worker processes get a workload's dataset: a process cell for each, for the
    /// workloads that have one (`--dataset`).
    package let datasets: [DatasetPlacement]
    /// How worker processes start: a process cell for each (`--start`).
    package let starts: [WorkerStart]

    /// The most worker processes a pool starts: each is a whole Swift process (about 16 MB
    /// resident, a start of milliseconds, two descriptors in the lab), and past a thousand the
    /// machine, not the mode, is what a cell would measure. A plan has no process cell above
    /// it; threads and async cells of the same count run.
    package static let processLimit = 1024

    package init(
        workloads: [ConfiguredWorkload], modes: [ExecutionMode], workerCounts: [Int], repetitions: Int, warmup: Int,
        transports: [Transport] = [.default], datasets: [DatasetPlacement] = [.default],
        starts: [WorkerStart] = [.default]
    ) {
        precondition(!starts.isEmpty, "process mode needs a way to start workers")
        self.starts = starts
        precondition(!transports.isEmpty, "process mode needs a transport")
        precondition(!datasets.isEmpty, "process mode needs a dataset placement")
        self.datasets = datasets
        self.transports = transports
        self.workloads = workloads
        self.modes = modes
        self.workerCounts = workerCounts
        self.repetitions = repetitions
        self.warmup = warmup
    }

    /// The cells of one workload, in mode order then worker order (then transport order, then
    /// dataset order, for processes); sequential appears once, with one worker, whatever the
    /// worker counts, and processes only at counts up to ``processLimit``.
    package func cells(of workload: ConfiguredWorkload) -> [Cell] {
        let placements: [DatasetPlacement?] = workload.dataset == nil ? [nil] : datasets
        return modes.flatMap { mode -> [Cell] in
            switch mode {
            case .sequential: [Cell(workload: workload, mode: mode, workers: 1)]
            case .processes:
                workerCounts.filter { $0 <= Self.processLimit }.flatMap { workers in
                    transports.flatMap { transport in
                        starts.flatMap { start in
                            placements.map {
                                Cell(
                                    workload: workload, mode: mode, workers: workers, transport: transport, dataset: $0,
                                    start: start)
                            }
                        }
                    }
                }
            case .threads, .async: workerCounts.map { Cell(workload: workload, mode: mode, workers: $0) }
            }
        }
    }

    /// Every cell of the plan, workload by workload.
    package var cells: [Cell] {
        workloads.flatMap(cells(of:))
    }

    /// How many repetitions the plan runs, warm-ups included.
    package var totalRepetitions: Int {
        cells.count * (repetitions + warmup)
    }

    /// Every repetition of `workload`'s cells in the order they run: the warm-up rounds, then
    /// the measured repetitions, round-robin across the cells (interleaved) or cell by cell
    /// (grouped). Positions count from `position` + 1, as the whole plan numbers them.
    package func schedule(
        of workload: ConfiguredWorkload, order: RepetitionOrder, after position: Int = 0
    ) -> [ScheduledRepetition] {
        let cells = cells(of: workload)
        let warmups = stride(from: 1, through: warmup, by: 1).flatMap { round in cells.map { ($0, round, true) } }
        let measured: [(Cell, Int, Bool)] =
            switch order {
            case .interleaved: (1...repetitions).flatMap { repetition in cells.map { ($0, repetition, false) } }
            case .grouped: cells.flatMap { cell in (1...repetitions).map { (cell, $0, false) } }
            }
        return (warmups + measured).enumerated().map { index, item in
            ScheduledRepetition(cell: item.0, repetition: item.1, isWarmup: item.2, position: position + index + 1)
        }
    }
}

/// One repetition of a plan, where the plan puts it.
package struct ScheduledRepetition: Sendable {
    package let cell: Cell
    /// From 1; a warm-up counts its own rounds.
    package let repetition: Int
    package let isWarmup: Bool
    /// Its place in the whole plan's order, from 1, warm-ups included.
    package let position: Int
}
