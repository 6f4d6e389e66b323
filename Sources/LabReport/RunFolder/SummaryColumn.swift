import LabCore

/// The columns of `summary.csv`, in file order: one row per cell.
package enum SummaryColumn: String, CaseIterable, Sendable {
    case workload, kind
    case parameters = "params"
    case tasks, mode, workers
    case placement = "pin"
    /// pipe, socketpair or shm for worker processes; empty for the other modes.
    case transport
    /// What sets a peer's cell apart (a Python start method, `interpreters`); empty for the lab's own.
    case variant
    /// Successful repetitions (the statistics are over these) and failed ones.
    case n
    case failed
    case wallMedian = "wall_median_s"
    case wallMean = "wall_mean_s"
    case wallStandardDeviation = "wall_stddev_s"
    case wallMinimum = "wall_min_s"
    case wallMaximum = "wall_max_s"
    /// 95% confidence interval of the mean wall time, Student's t.
    case wallConfidenceLow = "wall_ci95_low_s"
    case wallConfidenceHigh = "wall_ci95_high_s"
    case startupMedian = "startup_median_s"
    case partStartup = "part_startup_s"
    case partWork = "part_work_s"
    case partExchange = "part_exchange_s"
    case partIdle = "part_idle_s"
    case partTeardown = "part_teardown_s"
    case partResidual = "part_residual_s"
    case taskSlowdown = "task_slowdown"
    /// Coordinator plus workers (`all_`), user plus system.
    case allCPUMedian = "all_cpu_median_s"
    /// Their CPU seconds per wall second.
    case allCPUUtilisation = "all_cpu_utilisation"
    case coordinatorMaxResidentMedian = "coordinator_max_rss_median_kib"
    case workersMaxResidentMedian = "workers_max_rss_median_kib"
    /// Sequential median / this median, same workload, parameters and tasks.
    case speedup
    /// speedup / workers.
    case efficiency
    /// Repetitions outside Tukey's fences.
    case outliers
    case checksum
    // What the machine did (0.6.0): medians; empty where no repetition measured it.
    // Every counter of the lab's processes starts with whose it is: coordinator_, workers_ or
    // all_ (both, counted together), as in results.csv.
    case coordinatorMinorFaultsMedian = "coordinator_minor_faults_median"
    case coordinatorMajorFaultsMedian = "coordinator_major_faults_median"
    case coordinatorVoluntaryContextSwitchesMedian = "coordinator_voluntary_ctx_median"
    case coordinatorInvoluntaryContextSwitchesMedian = "coordinator_involuntary_ctx_median"
    case workersMinorFaultsMedian = "workers_minor_faults_median"
    case workersMajorFaultsMedian = "workers_major_faults_median"
    case workersVoluntaryContextSwitchesMedian = "workers_voluntary_ctx_median"
    case workersInvoluntaryContextSwitchesMedian = "workers_involuntary_ctx_median"
    /// Per lane: time on a CPU, and time runnable but waiting for a core (the part of
    /// part_work_s and part_exchange_s the scheduler kept it off a core).
    case laneRunningMedian = "lane_running_median_s"
    case laneWaitingMedian = "lane_waiting_median_s"
    case lanesMigrationsMedian = "lanes_migrations_median"
    case workersResidentMedian = "workers_rss_median_kib"
    case workersProportionalMedian = "workers_pss_median_kib"
    case workersUniqueMedian = "workers_uss_median_kib"
    case allCyclesMedian = "all_cycles_median"
    case allInstructionsMedian = "all_instructions_median"
    case allCacheMissesMedian = "all_cache_misses_median"
    case othersCPUMedian = "others_cpu_median_s"
    case stealMedian = "steal_median_s"
    /// Successful repetitions the rest of the machine disturbed (results.csv's disturbed).
    case disturbed
    /// copy or map for worker processes of a workload with a dataset (0.7.0); else empty.
    case dataset
    /// spawn or forkserver for worker processes (0.7.0); else empty.
    case start
    /// The lab's process's peak thread count over a repetition, median (0.8.0).
    case coordinatorPeakThreadsMedian = "coordinator_peak_threads_median"

    package static var header: [String] { allCases.map(\.rawValue) }

    package func field(of cell: CellSummary) -> String {
        func seconds(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, decimals: 6) } ?? "" }
        func ratio(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, decimals: 3) } ?? "" }
        // Counts and KiB as whole numbers.
        func whole(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, decimals: 0) } ?? "" }
        return switch self {
        case .workload: cell.workload
        case .kind: cell.kind.rawValue
        case .parameters: cell.parameters
        case .tasks: String(cell.tasks)
        case .mode: cell.mode.rawValue
        case .workers: String(cell.workers)
        case .placement: cell.placement.rawValue
        case .transport: cell.transport?.rawValue ?? ""
        case .variant: cell.variant ?? ""
        case .n: String(cell.succeeded)
        case .failed: String(cell.failed)
        case .wallMedian: seconds(cell.wallMedian)
        case .wallMean: seconds(cell.wallMean)
        case .wallStandardDeviation: seconds(cell.wallStandardDeviation)
        case .wallMinimum: seconds(cell.wallMinimum)
        case .wallMaximum: seconds(cell.wallMaximum)
        case .wallConfidenceLow: seconds(cell.wallConfidence?.lowerBound)
        case .wallConfidenceHigh: seconds(cell.wallConfidence?.upperBound)
        case .startupMedian: seconds(cell.startupMedian)
        case .partStartup: seconds(cell.parts?.startupSeconds)
        case .partWork: seconds(cell.parts?.workSeconds)
        case .partExchange: seconds(cell.parts?.exchangeSeconds)
        case .partIdle: seconds(cell.parts?.idleSeconds)
        case .partTeardown: seconds(cell.parts?.teardownSeconds)
        case .partResidual: seconds(cell.parts?.residualSeconds)
        case .taskSlowdown: ratio(cell.taskSlowdown)
        case .allCPUMedian: seconds(cell.cpuMedian)
        case .allCPUUtilisation: ratio(cell.cpuUtilisation)
        case .coordinatorMaxResidentMedian: whole(cell.coordinatorMaxResidentMedianKiB)
        case .workersMaxResidentMedian: whole(cell.workersMaxResidentMedianKiB)
        case .speedup: ratio(cell.speedup)
        case .efficiency: ratio(cell.efficiency)
        case .outliers: String(cell.outliers)
        case .checksum: cell.checksum.map(Checksum.hex) ?? ""
        case .coordinatorMinorFaultsMedian: whole(cell.counters.coordinatorMinorFaults)
        case .coordinatorMajorFaultsMedian: whole(cell.counters.coordinatorMajorFaults)
        case .coordinatorVoluntaryContextSwitchesMedian: whole(cell.counters.coordinatorVoluntaryContextSwitches)
        case .coordinatorInvoluntaryContextSwitchesMedian: whole(cell.counters.coordinatorInvoluntaryContextSwitches)
        case .workersMinorFaultsMedian: whole(cell.counters.workersMinorFaults)
        case .workersMajorFaultsMedian: whole(cell.counters.workersMajorFaults)
        case .workersVoluntaryContextSwitchesMedian: whole(cell.counters.workersVoluntaryContextSwitches)
        case .workersInvoluntaryContextSwitchesMedian: whole(cell.counters.workersInvoluntaryContextSwitches)
        case .laneRunningMedian: seconds(cell.counters.laneRunningSeconds)
        case .laneWaitingMedian: seconds(cell.counters.laneWaitingSeconds)
        case .lanesMigrationsMedian: whole(cell.counters.lanesMigrations)
        case .workersResidentMedian: whole(cell.counters.workersResidentKiB)
        case .workersProportionalMedian: whole(cell.counters.workersProportionalKiB)
        case .workersUniqueMedian: whole(cell.counters.workersUniqueKiB)
        case .allCyclesMedian: whole(cell.counters.cycles)
        case .allInstructionsMedian: whole(cell.counters.instructions)
        case .allCacheMissesMedian: whole(cell.counters.cacheMisses)
        case .othersCPUMedian: seconds(cell.counters.othersCPUSeconds)
        case .stealMedian: seconds(cell.counters.stealSeconds)
        case .disturbed: cell.counters.disturbed.map { String($0) } ?? ""
        case .dataset: cell.dataset?.rawValue ?? ""
        case .start: cell.start?.rawValue ?? ""
        case .coordinatorPeakThreadsMedian: whole(cell.counters.coordinatorPeakThreads)
        }
    }

    /// The whole `summary.csv` text for these cells.
    package static func csv(_ cells: [CellSummary]) -> String {
        CSV.record(header) + cells.map { cell in CSV.record(allCases.map { $0.field(of: cell) }) }.joined()
    }
}
