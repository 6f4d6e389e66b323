import LabCore

extension RunComparison {
    /// What a change can spoil besides the wall time, each judged with the test that suits it
    /// (`--fail-if NAME>PERCENT%`).
    package enum Metric: String, CaseIterable, Sendable {
        /// The wall time (as `--fail-if-slower`).
        case wall
        /// The CPU time of the coordinator and its workers.
        case cpu
        /// The coordinator's peak resident memory.
        case rss
        /// The memory the workers own alone at their end (USS), summed.
        case workersUSS = "workers_uss"
        /// Page faults of the coordinator and its workers, minor and major.
        case faults
        /// Context switches of the coordinator and its workers, voluntary and involuntary.
        case switches
        /// The lanes' time waiting for a core.
        case waiting

        /// Times vary from repetition to repetition and are judged by the wall time's rules (a
        /// rank test and intervals, corrected for every cell); counts and memory barely vary and
        /// are judged by their medians and ranges alone.
        package var isTime: Bool { self == .wall || self == .cpu || self == .waiting }

        /// The metric's value in one repetition; `nil` where it was not measured.
        package func value(of record: RepetitionRecord) -> Double? {
            switch self {
            case .wall: return record.wallSeconds
            case .cpu:
                return record.coordinatorUserSeconds + record.coordinatorSystemSeconds
                    + (record.workersUserSeconds ?? 0)
                    + (record.workersSystemSeconds ?? 0)
            case .rss: return record.coordinatorMaxResidentKiB.map(Double.init)
            case .workersUSS: return record.counters.workersMemory.map { Double($0.uniqueKiB) }
            case .faults:
                guard let minor = record.counters.coordinatorMinorFaults else { return nil }
                return Double(
                    minor + (record.counters.coordinatorMajorFaults ?? 0) + (record.counters.workersMinorFaults ?? 0)
                        + (record.counters.workersMajorFaults ?? 0))
            case .switches:
                let counters = record.counters
                guard let voluntary = counters.coordinatorVoluntaryContextSwitches,
                    let involuntary = counters.coordinatorInvoluntaryContextSwitches
                else { return nil }
                return Double(
                    voluntary + involuntary + (counters.workersVoluntaryContextSwitches ?? 0)
                        + (counters.workersInvoluntaryContextSwitches ?? 0))
            case .waiting: return record.counters.lanes?.waitingSeconds
            }
        }

        /// How a value is shown: `1.2 ms`, `10.8 MiB`, `5,134`.
        package func shown(_ value: Double) -> String {
            switch self {
            case .wall, .cpu, .waiting: return NumberFormatting.duration(value)
            case .rss, .workersUSS: return NumberFormatting.fixed(value / 1024, decimals: 1) + " MiB"
            case .faults, .switches: return Explanation.grouped(value)
            }
        }
    }

    /// One cell whose metric grew beyond its allowance.
    package struct MetricRegression: Sendable {
        package let metric: Metric
        package let match: Match
        package let baselineMedian: Double
        package let candidateMedian: Double

        package var growth: Double { baselineMedian > 0 ? candidateMedian / baselineMedian : .infinity }

        /// `primes processes x2: workers_uss 10.8 MiB -> 21.6 MiB, 2.00x`.
        package var line: String {
            "\(match.shown.workload) \(match.shown.label): \(metric.rawValue) \(metric.shown(baselineMedian)) -> "
                + "\(metric.shown(candidateMedian)), "
                + (growth.isFinite ? NumberFormatting.fixed(growth, decimals: 2) + "x" : "from nothing")
        }
    }

    /// Each cell's values of `metric` on both sides, from the repetitions that succeeded.
    func values(
        _ metric: Metric, baseline: [RepetitionRecord], candidate: [RepetitionRecord]
    ) -> [(match: Match, before: [Double], after: [Double])] {
        func byCell(_ records: [RepetitionRecord]) -> [String: [Double]] {
            Dictionary(grouping: records.filter { $0.status == .ok }, by: \.cellKey).mapValues {
                $0.compactMap(metric.value)
            }
        }
        let (before, after) = (byCell(baseline), byCell(candidate))
        return matches.map { ($0, before[$0.baseline.cellKey] ?? [], after[$0.candidate.cellKey] ?? []) }
    }

    /// The cells whose `metric` grew by more than `percent`: for a time, as the wall time's
    /// gate finds them (a rank test Holm-adjusted over the cells, or intervals at the
    /// family-wise level, beyond the allowance); for a count or memory, when the candidate's
    /// median is beyond the allowance and its smallest value above the baseline's largest
    /// (they barely vary: a rank test would need repetitions to say what a glance does).
    package func metricRegressions(
        _ metric: Metric, percent: Double, baseline: [RepetitionRecord], candidate: [RepetitionRecord]
    ) -> [MetricRegression] {
        let allowance = 1 + percent / 100
        let cells = values(metric, baseline: baseline, candidate: candidate).filter {
            !$0.before.isEmpty && !$0.after.isEmpty
        }
        let family = max(cells.count, 1)
        let level = 1 - RunComparison.significance / Double(family)
        let adjusted = Statistics.holmAdjusted(
            cells.map { Statistics.mannWhitneyGreater($0.before.map { $0 * allowance }, $0.after)?.p ?? 1 })
        return zip(cells, adjusted).compactMap { cell, p in
            guard let before = Statistics.median(cell.before), let after = Statistics.median(cell.after),
                after > before * allowance
            else { return nil }
            let proven: Bool
            if metric.isTime {
                let apart =
                    Statistics.confidenceInterval(cell.before, level: level).flatMap { base in
                        Statistics.confidenceInterval(cell.after, level: level).map {
                            $0.lowerBound > base.upperBound * allowance
                        }
                    } ?? false
                proven = p < RunComparison.significance || apart
            } else {
                proven = (cell.after.min() ?? 0) > (cell.before.max() ?? .infinity)
            }
            return proven
                ? MetricRegression(metric: metric, match: cell.match, baselineMedian: before, candidateMedian: after)
                : nil
        }
    }
}
