/// One cell of the matrix: a workload with its parameters, a mode and a worker count.
public struct Cell: Sendable {
    public let workload: ConfiguredWorkload
    public let mode: ExecutionMode
    public let workers: Int

    public init(workload: ConfiguredWorkload, mode: ExecutionMode, workers: Int) {
        self.workload = workload
        self.mode = mode
        self.workers = workers
    }

    /// `primes threads x2`, as progress lines show it.
    public var label: String {
        "\(workload.name) \(mode.label(workers: workers))"
    }
}

/// The whole experiment: every workload x mode x worker count, repeated.
public struct ExperimentPlan: Sendable {
    public let workloads: [ConfiguredWorkload]
    public let modes: [ExecutionMode]
    public let workerCounts: [Int]
    /// Measured repetitions per cell.
    public let repetitions: Int
    /// Unrecorded repetitions per cell, run before the measured ones.
    public let warmup: Int

    public init(workloads: [ConfiguredWorkload], modes: [ExecutionMode], workerCounts: [Int], repetitions: Int, warmup: Int) {
        self.workloads = workloads
        self.modes = modes
        self.workerCounts = workerCounts
        self.repetitions = repetitions
        self.warmup = warmup
    }

    /// The cells of one workload, in mode order then worker order; sequential appears once,
    /// with one worker, whatever the worker counts.
    public func cells(of workload: ConfiguredWorkload) -> [Cell] {
        modes.flatMap { mode in
            mode.usesWorkers
                ? workerCounts.map { Cell(workload: workload, mode: mode, workers: $0) }
                : [Cell(workload: workload, mode: mode, workers: 1)]
        }
    }

    /// Every cell of the plan, workload by workload.
    public var cells: [Cell] {
        workloads.flatMap(cells(of:))
    }

    /// How many repetitions the plan runs, warm-ups included.
    public var totalRepetitions: Int {
        cells.count * (repetitions + warmup)
    }
}
