/// Whether a repetition ran every task.
package enum RepetitionStatus: String, Sendable, Codable {
    case ok
    case failed
    /// The runtime that wrote the row cannot run this cell at all (a peer's mode its
    /// interpreter lacks); the row's error says why. The lab's own rows are never unavailable.
    case unavailable
}

/// What one measured repetition of one cell produced: one row of `results.csv`.
///
/// CPU time and context switches are `getrusage` deltas of the coordinator (every thread,
/// the drivers of process mode included) plus, for process mode, what each worker reported
/// of itself just before it exited. Peak memory is VmHWM: the coordinator's is reset before
/// each repetition (through /proc/self/clear_refs), a worker's covers its whole life.
/// A figure that could not be measured is `nil` (an empty field in `results.csv`), never 0:
/// the coordinator's peak when the reset failed (it would be the lifetime peak), the workers'
/// CPU time and peak when a worker of the repetition sent no usage (it died or did not answer).
package struct RepetitionRecord: Sendable, Equatable {
    package var runID: String
    package var workload: String
    package var kind: WorkloadKind
    /// The canonical `key=value;key=value` parameter text.
    package var parameters: String
    package var mode: ExecutionMode
    package var workers: Int
    package var tasks: Int
    /// 1-based.
    package var repetition: Int
    /// From asking for the pool to the last result, start-up included.
    package var wallSeconds: Double
    /// From asking for the pool until a lane (thread, worker's driver, async slot) could
    /// claim its first task, averaged over lanes: for processes, until every worker was ready
    /// and its driver thread ran. Without a timeline: until the pool was ready.
    package var startupSeconds: Double
    package var tasksPerSecond: Double
    /// The combined checksum of every task, in task order; `nil` when the repetition failed.
    /// (`results.csv` writes it as 16 hexadecimal digits.)
    package var checksum: UInt64?
    package var status: RepetitionStatus
    /// Why the repetition failed; `nil` when it did not.
    package var error: String?
    /// The coordinator's CPU time during the repetition (all its threads).
    package var coordinatorUserSeconds: Double
    package var coordinatorSystemSeconds: Double
    /// The worker processes' CPU time, summed (0 outside process mode; `nil` when a worker
    /// sent no usage).
    package var workersUserSeconds: Double?
    package var workersSystemSeconds: Double?
    /// The coordinator's peak resident memory during this repetition (VmHWM after a reset;
    /// `nil` when the reset failed).
    package var coordinatorMaxResidentKiB: Int?
    /// The largest peak resident memory of any one worker process (0 outside process mode;
    /// `nil` when a worker sent no usage).
    package var workersMaxResidentKiB: Int?
    /// Bytes handed to and from the workers over their transport: frames, headers included,
    /// and bytes written in place into an `shm` region's slots (0 outside process mode).
    package var bytesToWorkers: Int
    package var bytesFromWorkers: Int
    /// When the repetition started, in seconds since the run started.
    package var startSeconds: Double
    /// Its place in the run's order, from 1, warm-ups included.
    package var position: Int
    /// The wall time cut into measured parts (``TimeBreakdown``); `nil` when no timeline was
    /// recorded (a run by an older lab, or recording turned off). When present, its start-up
    /// is also ``startupSeconds``.
    package var breakdown: TimeBreakdown?
    /// Where its lanes ran (`--pin`): ``CorePlacement/none`` for async cells and for runs made
    /// before the option existed.
    package var placement: CorePlacement
    /// How the worker processes talked to the coordinator; `nil` outside process mode (and
    /// ``Transport/pipe`` for process rows of runs made before transports existed).
    package var transport: Transport?
    /// The workload's own units of work its completed tasks reported (numbers tested,
    /// milliseconds slept, ...), summed; `nil` when not recorded (a run made before 0.5.0).
    package var units: UInt64?
    /// What else sets this cell apart when another runtime wrote the row: a Python process
    /// pool's start method (`fork`, `forkserver`, `spawn`) or `interpreters` for a pool of
    /// subinterpreters; `nil` for the lab's own rows.
    package var variant: String?
    /// Where the worker processes got the workload's dataset (`--dataset`, 0.7.0); `nil`
    /// outside process mode, for a workload without a dataset, and in older rows.
    package var dataset: DatasetPlacement?
    /// The bytes of the workload's dataset (0.7.0); `nil` for a workload without one.
    package var datasetBytes: Int?
    /// How the worker processes started (`--start`, 0.7.0); `nil` outside process mode and in
    /// rows of older runs and of peers (whose workers were spawned, or as their variant says).
    package var start: WorkerStart?
    /// What the machine did meanwhile (lab 0.6.0): faults, lanes' scheduling, the workers'
    /// memory, hardware counts, other tenants; all `nil` in older rows.
    package var counters: RepetitionCounters

    package init(
        runID: String, workload: String, kind: WorkloadKind, parameters: String, mode: ExecutionMode, workers: Int,
        tasks: Int,
        repetition: Int, wallSeconds: Double, startupSeconds: Double, tasksPerSecond: Double, checksum: UInt64?,
        status: RepetitionStatus, error: String?, coordinatorUserSeconds: Double = 0,
        coordinatorSystemSeconds: Double = 0,
        workersUserSeconds: Double? = 0,
        workersSystemSeconds: Double? = 0, coordinatorMaxResidentKiB: Int? = 0, workersMaxResidentKiB: Int? = 0,
        bytesToWorkers: Int = 0, bytesFromWorkers: Int = 0,
        startSeconds: Double = 0, position: Int = 0,
        breakdown: TimeBreakdown? = nil, placement: CorePlacement = .none, transport: Transport? = nil,
        units: UInt64? = nil,
        variant: String? = nil, dataset: DatasetPlacement? = nil, datasetBytes: Int? = nil, start: WorkerStart? = nil,
        counters: RepetitionCounters = RepetitionCounters()
    ) {
        self.start = mode == .processes ? start : nil
        self.dataset = mode == .processes ? dataset : nil
        self.datasetBytes = datasetBytes
        self.counters = counters
        self.units = units
        self.variant = variant?.isEmpty == false ? variant : nil
        self.transport = mode == .processes ? (transport ?? .default) : nil
        self.breakdown = breakdown
        self.placement = placement
        self.coordinatorUserSeconds = coordinatorUserSeconds
        self.coordinatorSystemSeconds = coordinatorSystemSeconds
        self.workersUserSeconds = workersUserSeconds
        self.workersSystemSeconds = workersSystemSeconds
        self.coordinatorMaxResidentKiB = coordinatorMaxResidentKiB
        self.workersMaxResidentKiB = workersMaxResidentKiB
        self.bytesToWorkers = bytesToWorkers
        self.bytesFromWorkers = bytesFromWorkers
        self.startSeconds = startSeconds
        self.position = position
        self.runID = runID
        self.workload = workload
        self.kind = kind
        self.parameters = parameters
        self.mode = mode
        self.workers = workers
        self.tasks = tasks
        self.repetition = repetition
        self.wallSeconds = wallSeconds
        self.startupSeconds = startupSeconds
        self.tasksPerSecond = tasksPerSecond
        self.checksum = checksum
        self.status = status
        self.error = error
    }
}

extension RepetitionRecord {
    /// Its cell's mode, workers, transport and dataset as labels show them: `processes x2 over shm`.
    package var cellLabel: String {
        mode.label(workers: workers)
            + mode.qualifiers(transport: transport, variant: variant, dataset: dataset, start: start)
    }
}
