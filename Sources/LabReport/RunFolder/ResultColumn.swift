import LabCore

/// The columns of `results.csv`, in file order: the one definition of its header.
/// Units are in the names (`_s` seconds, `_per_s` per second).
package enum ResultColumn: String, CaseIterable, Sendable {
    /// The run's ID, the name of its folder by default.
    case runID = "run_id"
    /// The workload's name.
    case workload
    /// cpu, io, memory or mixed.
    case kind
    /// Every parameter as `key=value;key=value`, defaults included.
    case parameters = "params"
    /// sequential, threads or processes.
    case mode
    /// Threads or worker processes in the pool; 1 for sequential.
    case workers
    /// Tasks in the repetition.
    case tasks
    /// 1-based number of the measured repetition (warm-ups are not written).
    case repetition
    /// Wall time of the repetition in seconds, pool start-up included.
    case wallSeconds = "wall_s"
    /// Seconds from asking for the pool until every worker was ready.
    case startupSeconds = "startup_s"
    /// Completed tasks divided by `wall_s`.
    case tasksPerSecond = "tasks_per_s"
    /// The run's combined checksum, 16 hexadecimal digits; equal in every mode.
    case checksum
    /// ok or failed.
    case status
    /// Why the repetition failed; empty when it did not.
    case error
    /// The coordinator's user and system CPU seconds (all its threads).
    case coordinatorUserSeconds = "coordinator_user_s"
    case coordinatorSystemSeconds = "coordinator_sys_s"
    /// All worker processes' user and system CPU seconds, summed (0 outside process mode;
    /// empty when a worker of the repetition sent no usage, for example one that was killed).
    case workersUserSeconds = "workers_user_s"
    case workersSystemSeconds = "workers_sys_s"
    /// The coordinator's peak resident memory during this repetition, KiB (empty when its
    /// reset before the repetition failed: the figure would be the lifetime peak).
    case coordinatorMaxResidentKiB = "coordinator_max_rss_kib"
    /// The largest peak resident memory of one worker process, KiB (0 outside process mode;
    /// empty when a worker sent no usage).
    case workersMaxResidentKiB = "workers_max_rss_kib"
    /// The coordinator's context switches (all its threads); the workers' are apart.
    case coordinatorVoluntaryContextSwitches = "coordinator_voluntary_ctx"
    case coordinatorInvoluntaryContextSwitches = "coordinator_involuntary_ctx"
    /// Bytes that went to and came from the workers over their transport: frames, headers
    /// included, and bytes written in place into an `shm` region's slots.
    case bytesToWorkers = "bytes_to_workers"
    case bytesFromWorkers = "bytes_from_workers"
    /// When the repetition started, seconds after the run started.
    case startSeconds = "start_s"
    /// Its place in the run's order, from 1, warm-ups included (they are not written).
    case position
    // The parts of the wall time (0.4.0): after the columns older runs have.
    case workSeconds = "work_s"
    case exchangeSeconds = "exchange_s"
    case idleSeconds = "idle_s"
    case teardownSeconds = "teardown_s"
    case residualSeconds = "residual_s"
    /// Where the lanes ran (`--pin`, 0.4.0).
    case placement = "pin"
    /// How worker processes talked to the coordinator (`--transport`, 0.5.0): pipe,
    /// socketpair or shm; empty outside process mode.
    case transport
    /// The workload's own units of work the completed tasks reported, summed (0.5.0).
    case units
    /// What sets a cell apart when another runtime wrote the row (a Python process pool's
    /// start method, or `interpreters`); always empty in the lab's own rows.
    case variant
    // What the machine did (0.6.0); empty where not measured (see RepetitionCounters).
    /// The coordinator's page faults: minor (no I/O: a fresh page zeroed, a cached page
    /// mapped) and major (read from storage).
    case coordinatorMinorFaults = "coordinator_minor_faults"
    case coordinatorMajorFaults = "coordinator_major_faults"
    /// The worker processes' page faults over their lives, summed (0 outside process mode).
    case workersMinorFaults = "workers_minor_faults"
    case workersMajorFaults = "workers_major_faults"
    /// The worker processes' context switches, summed (0 outside process mode).
    case workersVoluntaryContextSwitches = "workers_voluntary_ctx"
    case workersInvoluntaryContextSwitches = "workers_involuntary_ctx"
    /// The lanes' time on a CPU, time runnable but waiting for a core, and moves to another
    /// CPU, summed over lanes (threads, workers, or the coordinator in sequential mode); empty
    /// for async cells.
    case lanesRunningSeconds = "lanes_running_s"
    case lanesWaitingSeconds = "lanes_waiting_s"
    case lanesMigrations = "lanes_migrations"
    /// The worker processes' resident, proportional (PSS) and unique (USS) memory before they
    /// exited, summed, KiB (0 outside process mode).
    case workersResidentKiB = "workers_rss_kib"
    case workersProportionalKiB = "workers_pss_kib"
    case workersUniqueKiB = "workers_uss_kib"
    /// Hardware counts of the coordinator and what it started, together (`all_`); empty where
    /// the machine offers none (run.json's counters say why) and for async cells.
    case allCycles = "all_cycles"
    case allInstructions = "all_instructions"
    case allCacheMisses = "all_cache_misses"
    /// CPU seconds that every other process took meanwhile (over all cores), steal, and the
    /// time some task waited for a core (/proc/pressure/cpu, the lab's own included).
    case othersCPUSeconds = "others_cpu_s"
    case stealSeconds = "steal_s"
    case cpuPressureSeconds = "cpu_pressure_s"
    /// 1 when others or steal took more of the cores than the disturbance rule allows, else 0.
    case disturbed
    /// Where the worker processes got the workload's dataset (`--dataset`, 0.7.0): copy (each
    /// built its own) or map (each mapped the coordinator's); empty outside process mode and
    /// for a workload without a dataset.
    case dataset
    /// The bytes of the workload's dataset (0.7.0); empty for a workload without one.
    case datasetBytes = "dataset_bytes"
    /// How the worker processes started (`--start`, 0.7.0): spawn or forkserver; empty
    /// outside process mode.
    case start
    /// The most threads the lab's process had at once during the repetition (0.8.0): sampled
    /// every 2 ms from /proc/self/stat, the sampler's own thread not counted.
    case coordinatorPeakThreads = "coordinator_peak_threads"
    case lanesTogether = "lanes_together_x"

    /// The header record's fields.
    package static var header: [String] { allCases.map(\.rawValue) }

    /// The parts of the wall time (lab 0.4.0 on): a results file without them is an older
    /// run's, read with no breakdown; an empty field is a repetition without a timeline.
    package static let breakdownColumns: [ResultColumn] = [
        .workSeconds, .exchangeSeconds, .idleSeconds, .teardownSeconds, .residualSeconds,
    ]

    /// Columns a results file of an older lab does not have (0.3.0: none of these; 0.4.0:
    /// transport); they read as unmeasured (the breakdown) or as their default (`pin`: none,
    /// `transport`: pipe for process rows).
    package static let newerColumns: [ResultColumn] =
        breakdownColumns + [.placement, .transport, .units, .variant] + counterColumns + [
            .dataset, .datasetBytes, .start, .coordinatorPeakThreads, .lanesTogether,
        ]

    /// What the machine did (0.6.0): older files have none of these, and read as unmeasured.
    package static let counterColumns: [ResultColumn] = [
        .coordinatorMinorFaults, .coordinatorMajorFaults, .workersMinorFaults, .workersMajorFaults,
        .workersVoluntaryContextSwitches, .workersInvoluntaryContextSwitches, .lanesRunningSeconds,
        .lanesWaitingSeconds, .lanesMigrations, .workersResidentKiB, .workersProportionalKiB, .workersUniqueKiB,
        .allCycles, .allInstructions, .allCacheMisses, .othersCPUSeconds, .stealSeconds, .cpuPressureSeconds,
        .disturbed,
    ]

    /// The name a column had before 0.9.0 gave every counter of the lab's processes the prefix
    /// of whose it is (`coordinator_`, `workers_`, `all_`); a folder of an older lab is read
    /// under it. Only `voluntary_ctx` and `involuntary_ctx` changed meaning as well: they were
    /// the coordinator's plus the workers', and are read less the workers' columns.
    package var formerName: String? {
        switch self {
        case .coordinatorUserSeconds: "user_s"
        case .coordinatorSystemSeconds: "sys_s"
        case .coordinatorMaxResidentKiB: "max_rss_kib"
        case .coordinatorVoluntaryContextSwitches: "voluntary_ctx"
        case .coordinatorInvoluntaryContextSwitches: "involuntary_ctx"
        case .coordinatorMinorFaults: "minor_faults"
        case .coordinatorMajorFaults: "major_faults"
        case .allCycles: "cycles"
        case .allInstructions: "instructions"
        case .allCacheMisses: "cache_misses"
        case .coordinatorPeakThreads: "peak_threads"
        default: nil
        }
    }

    /// The field of this column for `record`.
    package func field(of record: RepetitionRecord) -> String {
        switch self {
        case .runID: record.runID
        case .workload: record.workload
        case .kind: record.kind.rawValue
        case .parameters: record.parameters
        case .mode: record.mode.rawValue
        case .workers: String(record.workers)
        case .tasks: String(record.tasks)
        case .repetition: String(record.repetition)
        case .wallSeconds: NumberFormatting.fixed(record.wallSeconds, decimals: 6)
        case .startupSeconds: NumberFormatting.fixed(record.startupSeconds, decimals: 6)
        case .workSeconds: record.breakdown.map { NumberFormatting.fixed($0.workSeconds, decimals: 6) } ?? ""
        case .exchangeSeconds: record.breakdown.map { NumberFormatting.fixed($0.exchangeSeconds, decimals: 6) } ?? ""
        case .idleSeconds: record.breakdown.map { NumberFormatting.fixed($0.idleSeconds, decimals: 6) } ?? ""
        case .teardownSeconds: record.breakdown.map { NumberFormatting.fixed($0.teardownSeconds, decimals: 6) } ?? ""
        case .residualSeconds: record.breakdown.map { NumberFormatting.fixed($0.residualSeconds, decimals: 6) } ?? ""
        case .placement: record.placement.rawValue
        case .transport: record.transport?.rawValue ?? ""
        case .units: record.units.map { String($0) } ?? ""
        case .variant: record.variant ?? ""
        case .coordinatorMinorFaults: Self.count(record.counters.coordinatorMinorFaults)
        case .coordinatorMajorFaults: Self.count(record.counters.coordinatorMajorFaults)
        case .workersMinorFaults: Self.count(record.counters.workersMinorFaults)
        case .workersMajorFaults: Self.count(record.counters.workersMajorFaults)
        case .workersVoluntaryContextSwitches: Self.count(record.counters.workersVoluntaryContextSwitches)
        case .workersInvoluntaryContextSwitches: Self.count(record.counters.workersInvoluntaryContextSwitches)
        case .lanesRunningSeconds: Self.seconds(record.counters.lanes?.runningSeconds)
        case .lanesWaitingSeconds: Self.seconds(record.counters.lanes?.waitingSeconds)
        case .lanesMigrations: Self.count(record.counters.lanes?.migrations)
        case .workersResidentKiB: Self.count(record.counters.workersMemory?.residentKiB)
        case .workersProportionalKiB: Self.count(record.counters.workersMemory?.proportionalKiB)
        case .workersUniqueKiB: Self.count(record.counters.workersMemory?.uniqueKiB)
        case .allCycles: record.counters.hardware.map { String($0.cycles) } ?? ""
        case .allInstructions: record.counters.hardware.map { String($0.instructions) } ?? ""
        case .allCacheMisses: record.counters.hardware.map { String($0.cacheMisses) } ?? ""
        case .othersCPUSeconds: Self.seconds(record.counters.interference?.othersCPUSeconds)
        case .stealSeconds: Self.seconds(record.counters.interference?.stealSeconds)
        case .cpuPressureSeconds: Self.seconds(record.counters.interference?.pressureSeconds)
        case .disturbed: record.counters.disturbed.map { $0 ? "1" : "0" } ?? ""
        case .dataset: record.dataset?.rawValue ?? ""
        case .datasetBytes: record.datasetBytes.map(String.init) ?? ""
        case .start: record.start?.rawValue ?? ""
        case .coordinatorPeakThreads: Self.count(record.counters.coordinatorPeakThreads)
        case .lanesTogether:
            record.counters.interference?.lanesTogether.map { NumberFormatting.fixed($0, decimals: 3) } ?? ""
        case .tasksPerSecond: NumberFormatting.fixed(record.tasksPerSecond, decimals: 3)
        case .checksum: record.checksum.map(Checksum.hex) ?? ""
        case .status: record.status.rawValue
        case .error: record.error ?? ""
        case .coordinatorUserSeconds: NumberFormatting.fixed(record.coordinatorUserSeconds, decimals: 6)
        case .coordinatorSystemSeconds: NumberFormatting.fixed(record.coordinatorSystemSeconds, decimals: 6)
        case .workersUserSeconds: record.workersUserSeconds.map { NumberFormatting.fixed($0, decimals: 6) } ?? ""
        case .workersSystemSeconds: record.workersSystemSeconds.map { NumberFormatting.fixed($0, decimals: 6) } ?? ""
        case .coordinatorMaxResidentKiB: record.coordinatorMaxResidentKiB.map { String($0) } ?? ""
        case .workersMaxResidentKiB: record.workersMaxResidentKiB.map { String($0) } ?? ""
        case .coordinatorVoluntaryContextSwitches: Self.count(record.counters.coordinatorVoluntaryContextSwitches)
        case .coordinatorInvoluntaryContextSwitches: Self.count(record.counters.coordinatorInvoluntaryContextSwitches)
        case .bytesToWorkers: String(record.bytesToWorkers)
        case .bytesFromWorkers: String(record.bytesFromWorkers)
        case .startSeconds: NumberFormatting.fixed(record.startSeconds, decimals: 6)
        case .position: String(record.position)
        }
    }

    private static func count(_ value: Int?) -> String { value.map { String($0) } ?? "" }
    private static func seconds(_ value: Double?) -> String {
        value.map { NumberFormatting.fixed($0, decimals: 6) } ?? ""
    }

    /// The record's fields in column order.
    package static func fields(of record: RepetitionRecord) -> [String] {
        allCases.map { $0.field(of: record) }
    }
}
