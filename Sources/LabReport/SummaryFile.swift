import LabCore

/// The columns of `summary.csv`, in file order: one row per cell.
public enum SummaryColumn: String, CaseIterable, Sendable {
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
    /// Coordinator plus workers, user plus system.
    case cpuMedian = "cpu_median_s"
    /// CPU seconds per wall second.
    case cpuUtilisation = "cpu_utilisation"
    case maxResidentMedian = "max_rss_median_kib"
    case workersMaxResidentMedian = "workers_max_rss_median_kib"
    /// Sequential median / this median, same workload, parameters and tasks.
    case speedup
    /// speedup / workers.
    case efficiency
    /// Repetitions outside Tukey's fences.
    case outliers
    case checksum

    public static var header: [String] { allCases.map(\.rawValue) }

    public func field(of cell: CellSummary) -> String {
        func seconds(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, decimals: 6) } ?? "" }
        func ratio(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, decimals: 3) } ?? "" }
        func kibibytes(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, decimals: 0) } ?? "" }
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
        case .cpuMedian: seconds(cell.cpuMedian)
        case .cpuUtilisation: ratio(cell.cpuUtilisation)
        case .maxResidentMedian: kibibytes(cell.maxResidentMedianKiB)
        case .workersMaxResidentMedian: kibibytes(cell.workersMaxResidentMedianKiB)
        case .speedup: ratio(cell.speedup)
        case .efficiency: ratio(cell.efficiency)
        case .outliers: String(cell.outliers)
        case .checksum: cell.checksum.map(Checksum.hex) ?? ""
        }
    }

    /// The whole `summary.csv` text for these cells.
    public static func csv(_ cells: [CellSummary]) -> String {
        CSV.record(header) + cells.map { cell in CSV.record(allCases.map { $0.field(of: cell) }) }.joined()
    }
}
