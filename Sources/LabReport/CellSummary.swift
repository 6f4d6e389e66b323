import LabCore

/// The statistics of one cell (workload, parameters, tasks, mode, workers) over its
/// successful repetitions: one row of `summary.csv`.
public struct CellSummary: Sendable, Equatable {
    public var workload: String
    public var kind: WorkloadKind
    public var parameters: String
    public var tasks: Int
    public var mode: ExecutionMode
    public var workers: Int
    /// Successful and failed repetitions.
    public var succeeded: Int
    public var failed: Int
    public var wallMedian: Double?
    public var wallMean: Double?
    public var wallStandardDeviation: Double?
    public var wallMinimum: Double?
    public var wallMaximum: Double?
    /// 95% confidence interval of the mean wall time (Student's t).
    public var wallConfidence: ClosedRange<Double>?
    public var startupMedian: Double?
    /// Median of coordinator plus workers, user plus system CPU seconds.
    public var cpuMedian: Double?
    public var maxResidentMedianKiB: Double?
    public var workersMaxResidentMedianKiB: Double?
    /// The sequential median of the same workload, parameters and tasks / this median.
    public var speedup: Double?
    public var outliers: Int
    /// Outliers more than 10% away from the median: the ones worth a warning.
    public var farOutliers: Int
    /// The checksum of its first successful repetition; `nil` when none succeeded.
    public var checksum: UInt64?
    /// Whether a successful repetition of this cell gave another checksum than the first
    /// repetition of its workload setting (see ``ChecksumProof``): then it has no speedup.
    public var checksumDisagrees = false

    /// speedup / workers: 1.0 means every worker was fully used.
    public var efficiency: Double? { speedup.map { $0 / Double(workers) } }
    /// CPU seconds per wall second: about 1 per busy core.
    public var cpuUtilisation: Double? {
        guard let cpu = cpuMedian, let wall = wallMedian, wall > 0 else { return nil }
        return cpu / wall
    }
    /// Half the confidence interval as a share of the mean; large means the spread is wide.
    public var relativeHalfWidth: Double? {
        guard let interval = wallConfidence, let mean = wallMean, mean > 0 else { return nil }
        return (interval.upperBound - interval.lowerBound) / 2 / mean
    }

    /// `threads x2`, or `sequential`.
    public var label: String { mode.label(workers: workers) }

    /// What makes two runs' cells the same cell: workload, parameters, tasks, mode, workers.
    public var cellKey: String {
        RepetitionRecord.cellKey(workload: workload, parameters: parameters, tasks: tasks, mode: mode, workers: workers)
    }

    /// The workload run this cell belongs to: workload, parameters and tasks. Speedups compare
    /// cells with the same key, and charts and reports draw one block per key.
    public var workloadKey: String { [workload, parameters, String(tasks)].joined(separator: "\u{0}") }

    /// Cells grouped by ``workloadKey``, groups and cells in the order they first appear.
    public static func byWorkload(_ cells: [CellSummary]) -> [[CellSummary]] {
        var order: [String] = []
        var groups: [String: [CellSummary]] = [:]
        for cell in cells {
            if groups[cell.workloadKey] == nil { order.append(cell.workloadKey) }
            groups[cell.workloadKey, default: []].append(cell)
        }
        return order.map { groups[$0]! }
    }

    /// Summaries of every cell in `records`, in the order cells first appear.
    public static func summarize(_ records: [RepetitionRecord]) -> [CellSummary] {
        var order: [String] = []
        var groups: [String: [RepetitionRecord]] = [:]
        for record in records {
            let key = RepetitionRecord.cellKey(
                workload: record.workload, parameters: record.parameters, tasks: record.tasks, mode: record.mode, workers: record.workers)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        var summaries = order.map { summary(of: groups[$0]!) }
        let disagreeing = Set(ChecksumProof.mismatches(in: records).map { "\($0.setting)\u{0}\($0.foundCell)" })
        for index in summaries.indices {
            let cell = summaries[index]
            summaries[index].checksumDisagrees = disagreeing.contains("\(cell.workload) \(cell.parameters) tasks=\(cell.tasks)\u{0}\(cell.label)")
            let baseline = summaries.first { $0.mode == .sequential && $0.workloadKey == cell.workloadKey }
            // A cell that did other work than its baseline has no speedup to report.
            guard !summaries[index].checksumDisagrees, baseline?.checksumDisagrees == false else { continue }
            if let base = baseline?.wallMedian, let median = cell.wallMedian, median > 0 {
                summaries[index].speedup = base / median
            }
        }
        return summaries
    }

    private static func summary(of records: [RepetitionRecord]) -> CellSummary {
        let first = records[0]
        let ok = records.filter { $0.status == .ok }
        let walls = ok.map(\.wallSeconds)
        return CellSummary(
            workload: first.workload, kind: first.kind, parameters: first.parameters, tasks: first.tasks, mode: first.mode,
            workers: first.workers, succeeded: ok.count, failed: records.count - ok.count, wallMedian: Statistics.median(walls),
            wallMean: Statistics.mean(walls), wallStandardDeviation: Statistics.standardDeviation(walls), wallMinimum: walls.min(),
            wallMaximum: walls.max(), wallConfidence: Statistics.confidenceInterval95(walls),
            startupMedian: Statistics.median(ok.map(\.startupSeconds)),
            // Repetitions with a figure that was not measured are left out of its median.
            cpuMedian: Statistics.median(
                ok.compactMap { record in
                    guard let user = record.workersUserSeconds, let system = record.workersSystemSeconds else { return nil }
                    return record.userSeconds + record.systemSeconds + user + system
                }),
            maxResidentMedianKiB: Statistics.median(ok.compactMap { $0.maxResidentKiB.map(Double.init) }),
            workersMaxResidentMedianKiB: Statistics.median(ok.compactMap { $0.workersMaxResidentKiB.map(Double.init) }), speedup: nil,
            outliers: Statistics.outlierCount(walls), farOutliers: Statistics.farOutliers(walls, beyond: 0.10).count,
            checksum: ok.first?.checksum)
    }

    /// A warning when this cell's numbers are not safe to compare, like hyperfine's; `nil`
    /// when they are: outliers more than 10% from the median (Tukey's fences alone flag
    /// sub-millisecond stragglers of a tight cluster of five), a 95% interval wider than
    /// +/-10% of the mean, or failed repetitions.
    public var warning: String? {
        var reasons: [String] = []
        if farOutliers > 0 {
            reasons.append("\(farOutliers) outlier\(farOutliers == 1 ? "" : "s") more than 10% from the median")
        }
        if let width = relativeHalfWidth, width > 0.10 {
            reasons.append("95% CI is +/-\(NumberFormatting.fixed(width * 100, decimals: 0))% of the mean")
        }
        if failed > 0 { reasons.append("\(failed) failed repetition\(failed == 1 ? "" : "s")") }
        if checksumDisagrees { reasons.append("its checksum differs from the other modes' (no speedup reported)") }
        guard !reasons.isEmpty else { return nil }
        return "\(workload) \(label): \(reasons.joined(separator: ", ")); more repetitions (--repetitions) or a quieter machine would help"
    }
}

extension RepetitionRecord {
    /// The key of the cell a record belongs to; see ``CellSummary/cellKey``.
    static func cellKey(workload: String, parameters: String, tasks: Int, mode: ExecutionMode, workers: Int) -> String {
        [workload, parameters, String(tasks), mode.rawValue, String(workers)].joined(separator: "\u{0}")
    }
}
