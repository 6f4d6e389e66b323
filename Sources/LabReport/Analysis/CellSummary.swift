import LabCore

/// The statistics of one cell (workload, parameters, tasks, mode, workers) over its
/// successful repetitions: one row of `summary.csv`.
package struct CellSummary: Sendable, Equatable {
    package var workload: String
    package var kind: WorkloadKind
    package var parameters: String
    package var tasks: Int
    package var mode: ExecutionMode
    package var workers: Int
    /// Successful and failed repetitions.
    package var succeeded: Int
    package var failed: Int
    package var wallMedian: Double?
    package var wallMean: Double?
    package var wallStandardDeviation: Double?
    package var wallMinimum: Double?
    package var wallMaximum: Double?
    /// 95% confidence interval of the mean wall time (Student's t).
    package var wallConfidence: ClosedRange<Double>?
    package var startupMedian: Double?
    /// Median of coordinator plus workers, user plus system CPU seconds.
    package var cpuMedian: Double?
    package var coordinatorMaxResidentMedianKiB: Double?
    package var workersMaxResidentMedianKiB: Double?
    /// The sequential median of the same workload, parameters and tasks / this median.
    package var speedup: Double?
    package var outliers: Int
    /// Outliers more than 10% away from the median: the ones worth a warning.
    package var farOutliers: Int
    /// The checksum of its first successful repetition; `nil` when none succeeded.
    package var checksum: UInt64?
    /// Whether a successful repetition of this cell gave another checksum than the first
    /// repetition of its workload setting (see ``ChecksumProof``): then it has no speedup.
    package var checksumDisagrees = false
    /// The wall time of the median repetition cut into its parts (the mean of the two middle
    /// repetitions' parts for an even count), so they add up to ``wallMedian``; `nil` when the
    /// repetitions have no breakdown (an older run).
    package var parts: TimeBreakdown?
    /// The median over tasks of (a task's run time here / the same task's in the sequential
    /// cell), the median over repetitions; `nil` without per-task data.
    package var taskSlowdown: Double?
    /// A sequential cell's tasks' times, each the median over its repetitions; `nil` without
    /// per-task data and for other cells.
    package var taskSeconds: TaskTimes?
    /// Where its lanes ran (`--pin`), as its first repetition says.
    package var placement: CorePlacement = .none
    /// How its worker processes talked to the coordinator; `nil` outside process mode.
    package var transport: Transport?
    /// What else sets it apart when another runtime wrote it (``RepetitionRecord/variant``).
    package var variant: String?
    /// Where its worker processes got the workload's dataset (``RepetitionRecord/dataset``).
    package var dataset: DatasetPlacement?
    /// How its worker processes started (``RepetitionRecord/start``).
    package var start: WorkerStart?
    /// Why the runtime that wrote it could not run it, when every row says it is unavailable.
    package var unavailableReason: String?
    /// What the machine did: faults, lanes' scheduling, memory, other tenants (medians).
    package var counters = CellCounters()

    /// speedup / workers: 1.0 means every worker was fully used.
    package var efficiency: Double? { speedup.map { $0 / Double(workers) } }
    /// CPU seconds per wall second: about 1 per busy core.
    package var cpuUtilisation: Double? {
        guard let cpu = cpuMedian, let wall = wallMedian, wall > 0 else { return nil }
        return cpu / wall
    }
    /// Half the confidence interval as a share of the mean; large means the spread is wide.
    package var relativeHalfWidth: Double? {
        guard let interval = wallConfidence, let mean = wallMean, mean > 0 else { return nil }
        return (interval.upperBound - interval.lowerBound) / 2 / mean
    }

    /// `threads x2`, `processes x2 over shm`, `processes x2 (spawn)`, or `sequential`.
    package var label: String { mode.label(workers: workers) + qualifiers }

    /// What its label adds after the mode and workers: transport, dataset, variant.
    var qualifiers: String { mode.qualifiers(transport: transport, variant: variant, dataset: dataset, start: start) }

    /// Its mode as a table's mode column shows it: the label without the workers,
    /// `processes over shm`, `processes (spawn)`.
    package var modeText: String { mode.rawValue + qualifiers }

    /// What its median says when it has none: `unavailable` or `failed`.
    package var missingMedianText: String { unavailableReason == nil ? "failed" : "unavailable" }

    /// What makes two runs' cells the same cell: workload, parameters, tasks, mode, workers,
    /// (for worker processes) transport, and a peer's variant.
    package var cellKey: String {
        RepetitionRecord.cellKey(
            workload: workload, parameters: parameters, tasks: tasks, mode: mode, workers: workers,
            transport: transport, variant: variant,
            dataset: dataset, start: start)
    }

    /// ``cellKey`` without the variant: the lab's own cell that a peer's variant corresponds to.
    package var keyWithoutVariant: String {
        RepetitionRecord.cellKey(
            workload: workload, parameters: parameters, tasks: tasks, mode: mode, workers: workers,
            transport: transport, dataset: dataset,
            start: start)
    }

    /// The workload run this cell belongs to: workload, parameters and tasks. Speedups compare
    /// cells with the same key, and charts and reports draw one block per key.
    package var workloadKey: String { [workload, parameters, String(tasks)].joined(separator: "\u{0}") }

    /// Cells grouped by ``workloadKey``, groups and cells in the order they first appear.
    package static func byWorkload(_ cells: [CellSummary]) -> [[CellSummary]] {
        var order: [String] = []
        var groups: [String: [CellSummary]] = [:]
        for cell in cells {
            if groups[cell.workloadKey] == nil { order.append(cell.workloadKey) }
            groups[cell.workloadKey, default: []].append(cell)
        }
        return order.map { groups[$0]! }
    }

    /// Summaries of every cell in `records`, in the order cells first appear.
    /// - Parameter timelines: the run's tasks.csv and lanes.csv, for ``taskSlowdown``.
    package static func summarize(
        _ records: [RepetitionRecord], timelines: [RepetitionKey: RecordedTimeline]? = nil
    ) -> [CellSummary] {
        var order: [String] = []
        var groups: [String: [RepetitionRecord]] = [:]
        for record in records {
            let key = record.cellKey
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        var summaries = order.map { summary(of: groups[$0]!) }
        if let timelines {
            addTaskSlowdowns(to: &summaries, groups: groups, timelines: timelines)
        }
        let disagreeing = Set(ChecksumProof.mismatches(in: records).map { "\($0.setting)\u{0}\($0.foundCell)" })
        for index in summaries.indices {
            let cell = summaries[index]
            summaries[index].checksumDisagrees = disagreeing.contains(
                ChecksumProof.setting(workload: cell.workload, parameters: cell.parameters, tasks: cell.tasks)
                    + "\u{0}\(cell.label)")
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
        var summary = CellSummary(
            workload: first.workload, kind: first.kind, parameters: first.parameters, tasks: first.tasks,
            mode: first.mode,
            workers: first.workers, succeeded: ok.count, failed: records.count { $0.status == .failed },
            wallMedian: Statistics.median(walls),
            wallMean: Statistics.mean(walls), wallStandardDeviation: Statistics.standardDeviation(walls),
            wallMinimum: walls.min(),
            wallMaximum: walls.max(), wallConfidence: Statistics.confidenceInterval95(walls),
            startupMedian: Statistics.median(ok.map(\.startupSeconds)),
            // Repetitions with a figure that was not measured are left out of its median.
            cpuMedian: Statistics.median(
                ok.compactMap { record in
                    guard let user = record.workersUserSeconds, let system = record.workersSystemSeconds else {
                        return nil
                    }
                    return record.coordinatorUserSeconds + record.coordinatorSystemSeconds + user + system
                }),
            coordinatorMaxResidentMedianKiB: Statistics.median(
                ok.compactMap { $0.coordinatorMaxResidentKiB.map(Double.init) }),
            workersMaxResidentMedianKiB: Statistics.median(ok.compactMap { $0.workersMaxResidentKiB.map(Double.init) }),
            speedup: nil,
            outliers: Statistics.outlierCount(walls), farOutliers: Statistics.farOutliers(walls, beyond: 0.10).count,
            checksum: ok.first?.checksum, parts: medianParts(ok), placement: first.placement,
            transport: first.transport,
            variant: first.variant, dataset: first.dataset, start: first.start,
            unavailableReason: records.allSatisfy { $0.status == .unavailable }
                ? (first.error ?? "not available in this runtime") : nil)
        summary.counters = CellCounters(records)
        return summary
    }

    /// The parts of the median repetition (by wall time) of those that have a breakdown.
    static func medianParts(_ records: [RepetitionRecord]) -> TimeBreakdown? {
        let sorted = records.filter { $0.breakdown != nil }.sorted { $0.wallSeconds < $1.wallSeconds }.compactMap(
            \.breakdown)
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        guard sorted.count % 2 == 0 else { return sorted[middle] }
        let (low, high) = (sorted[middle - 1], sorted[middle])
        return TimeBreakdown(
            startupSeconds: (low.startupSeconds + high.startupSeconds) / 2,
            workSeconds: (low.workSeconds + high.workSeconds) / 2,
            exchangeSeconds: (low.exchangeSeconds + high.exchangeSeconds) / 2,
            idleSeconds: (low.idleSeconds + high.idleSeconds) / 2,
            teardownSeconds: (low.teardownSeconds + high.teardownSeconds) / 2,
            residualSeconds: (low.residualSeconds + high.residualSeconds) / 2)
    }

    /// Seconds each task ran in one repetition (none where no span of it was kept). A span of
    /// a batch gives each of its tasks the batch's mean.
    static func secondsPerTask(_ timeline: RecordedTimeline, tasks: Int) -> TaskTimes {
        TaskTimes(
            timeline.spans.map { TaskTimes.Run(first: $0.firstTask, count: $0.taskCount, seconds: $0.secondsPerTask) },
            tasks: tasks)
    }

    private static func addTaskSlowdowns(
        to summaries: inout [CellSummary], groups: [String: [RepetitionRecord]],
        timelines: [RepetitionKey: RecordedTimeline]
    ) {
        // Per workload setting: each task's median time over the sequential repetitions.
        var reference: [String: TaskTimes] = [:]
        for cell in summaries where cell.mode == .sequential {
            let runs = (groups[cell.cellKey] ?? []).filter { $0.status == .ok }.compactMap {
                timelines[RepetitionKey($0)]
            }
            guard !runs.isEmpty else { continue }
            reference[cell.workloadKey] = TaskTimes.median(runs.map { secondsPerTask($0, tasks: cell.tasks) })
        }
        for index in summaries.indices where summaries[index].mode == .sequential {
            summaries[index].taskSeconds = reference[summaries[index].workloadKey]
        }
        for index in summaries.indices {
            let cell = summaries[index]
            guard let base = reference[cell.workloadKey] else { continue }
            let slowdowns = (groups[cell.cellKey] ?? []).filter { $0.status == .ok }.compactMap { record -> Double? in
                guard let timeline = timelines[RepetitionKey(record)] else { return nil }
                return secondsPerTask(timeline, tasks: cell.tasks).medianRatio(over: base)
            }
            summaries[index].taskSlowdown = Statistics.median(slowdowns)
        }
    }

    /// A warning when this cell's numbers are not safe to compare, like hyperfine's; `nil`
    /// when they are: outliers more than 10% from the median (Tukey's fences alone flag
    /// sub-millisecond stragglers of a tight cluster of five), a 95% interval wider than
    /// +/-10% of the mean, or failed repetitions.
    package var warning: String? {
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
        return
            "\(workload) \(label): \(reasons.joined(separator: ", ")); more repetitions (--repetitions) or a quieter "
            + "machine would help"
    }
}

extension RepetitionRecord {
    /// The key of the cell a record belongs to; see ``CellSummary/cellKey``. Pipes add
    /// nothing to it, so a process cell keeps the key it had before transports existed.
    /// A peer's variant adds itself after the transport.
    static func cellKey(
        workload: String, parameters: String, tasks: Int, mode: ExecutionMode, workers: Int, transport: Transport?,
        variant: String? = nil,
        dataset: DatasetPlacement? = nil, start: WorkerStart? = nil
    ) -> String {
        let over = mode == .processes && transport != nil && transport != .default ? [transport!.rawValue] : []
        // Mapped workers make a cell of their own; the default copy keeps the key it had.
        let mapped = mode == .processes && dataset == .map ? ["dataset=map"] : []
        let forked = mode == .processes && start == .forkserver ? ["start=forkserver"] : []
        let variantPart = variant.map { ["variant=" + $0] } ?? []
        return
            ([workload, parameters, String(tasks), mode.rawValue, String(workers)] + over + forked + mapped
            + variantPart).joined(separator: "\u{0}")
    }

    /// The key of this record's cell.
    var cellKey: String {
        RepetitionRecord.cellKey(
            workload: workload, parameters: parameters, tasks: tasks, mode: mode, workers: workers,
            transport: transport, variant: variant,
            dataset: dataset, start: start)
    }
}
