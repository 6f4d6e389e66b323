import LabCore

/// What the machine did in one cell, as medians over its successful repetitions (lab 0.6.0):
/// the counter columns of `summary.csv`. A median is `nil` when no repetition measured it (an
/// older run; lanes of async cells; hardware counts on a machine without them).
package struct CellCounters: Sendable, Equatable {
    /// The coordinator's page faults and context switches.
    package var coordinatorMinorFaults: Double?
    package var coordinatorMajorFaults: Double?
    package var coordinatorVoluntaryContextSwitches: Double?
    package var coordinatorInvoluntaryContextSwitches: Double?
    /// The workers' page faults and context switches, summed.
    package var workersMinorFaults: Double?
    package var workersMajorFaults: Double?
    package var workersVoluntaryContextSwitches: Double?
    package var workersInvoluntaryContextSwitches: Double?
    /// Per lane: time on a CPU, and time runnable but waiting for a core, seconds.
    package var laneRunningSeconds: Double?
    package var laneWaitingSeconds: Double?
    /// Moves to another CPU, all lanes together.
    package var lanesMigrations: Double?
    /// The workers' memory before they exited, summed, KiB.
    package var workersResidentKiB: Double?
    package var workersProportionalKiB: Double?
    package var workersUniqueKiB: Double?
    /// Hardware counts of the coordinator and the threads and workers it started, together.
    package var cycles: Double?
    package var instructions: Double?
    package var cacheMisses: Double?
    /// Other processes' CPU time and steal over a repetition, seconds over all cores.
    package var othersCPUSeconds: Double?
    package var stealSeconds: Double?
    /// Repetitions the rest of the machine disturbed, of those that measured it; `nil` when
    /// none did (an older run).
    package var disturbed: Int?
    /// Bytes to and from the worker processes over their transport (0 outside process mode).
    package var bytesToWorkers: Double?
    package var bytesFromWorkers: Double?
    /// The bytes of the workload's dataset, which copying workers build as they start.
    package var datasetBytes: Double?
    /// The lab's process's peak thread count over a repetition (0.8.0).
    package var coordinatorPeakThreads: Double?
    /// The most cores that others and steal took on average over a disturbed repetition
    /// ((others' CPU + steal) / wall time); `nil` when none was disturbed.
    package var worstOthersCores: Double?
    /// The most times as slow as alone the lanes were together around a repetition that
    /// this disturbed (``CoreSpeedProbe``); `nil` when none was.
    package var worstLanesTogether: Double?

    package init() {}

    /// The medians of the successful repetitions among `records` (one cell's).
    package init(_ records: [RepetitionRecord]) {
        let ok = records.filter { $0.status == .ok }
        func median(_ value: (RepetitionCounters) -> Double?) -> Double? {
            Statistics.median(ok.compactMap { value($0.counters) })
        }
        func count(_ value: (RepetitionCounters) -> Int?) -> Double? { median { value($0).map(Double.init) } }
        let lanes = Double(records.first.map { $0.mode == .sequential ? 1 : $0.workers } ?? 1)
        coordinatorMinorFaults = count(\.coordinatorMinorFaults)
        coordinatorMajorFaults = count(\.coordinatorMajorFaults)
        coordinatorVoluntaryContextSwitches = count(\.coordinatorVoluntaryContextSwitches)
        coordinatorInvoluntaryContextSwitches = count(\.coordinatorInvoluntaryContextSwitches)
        workersMinorFaults = count(\.workersMinorFaults)
        workersMajorFaults = count(\.workersMajorFaults)
        workersVoluntaryContextSwitches = count(\.workersVoluntaryContextSwitches)
        workersInvoluntaryContextSwitches = count(\.workersInvoluntaryContextSwitches)
        laneRunningSeconds = median { $0.lanes.map { $0.runningSeconds / lanes } }
        laneWaitingSeconds = median { $0.lanes.map { $0.waitingSeconds / lanes } }
        lanesMigrations = count { $0.lanes?.migrations }
        workersResidentKiB = count { $0.workersMemory?.residentKiB }
        workersProportionalKiB = count { $0.workersMemory?.proportionalKiB }
        workersUniqueKiB = count { $0.workersMemory?.uniqueKiB }
        cycles = median { $0.hardware.map { Double($0.cycles) } }
        instructions = median { $0.hardware.map { Double($0.instructions) } }
        cacheMisses = median { $0.hardware.map { Double($0.cacheMisses) } }
        othersCPUSeconds = median { $0.interference?.othersCPUSeconds }
        stealSeconds = median { $0.interference?.stealSeconds }
        coordinatorPeakThreads = count(\.coordinatorPeakThreads)
        bytesToWorkers = Statistics.median(ok.map { Double($0.bytesToWorkers) })
        bytesFromWorkers = Statistics.median(ok.map { Double($0.bytesFromWorkers) })
        datasetBytes = Statistics.median(ok.compactMap { $0.datasetBytes.map(Double.init) })
        let judged = ok.filter { $0.counters.interference != nil }
        disturbed = judged.isEmpty ? nil : judged.count { $0.counters.disturbed == true }
        worstOthersCores = judged.filter { $0.counters.disturbed == true && $0.wallSeconds > 0 }.compactMap { record in
            record.counters.interference.map { ($0.othersCPUSeconds + $0.stealSeconds) / record.wallSeconds }
        }.max()
        worstLanesTogether = judged.compactMap { record in
            record.counters.interference.flatMap { $0.disturbed && $0.slowerTogether ? $0.lanesTogether : nil }
        }.max()
    }
}

extension CellSummary {
    /// `primes threads x2: 3 of 5 repetitions, up to 0.93 cores taken by others`, or `..., the
    /// lanes up to 1.84x as slow together as alone`; `nil` when no repetition of the cell was
    /// disturbed.
    package var disturbanceText: String? {
        guard let count = counters.disturbed, count > 0 else { return nil }
        var causes: [String] = []
        if let cores = counters.worstOthersCores, cores > 0.005 || counters.worstLanesTogether == nil {
            causes.append("up to \(NumberFormatting.fixed(cores, decimals: 2)) cores taken by others")
        }
        if let together = counters.worstLanesTogether {
            causes.append(
                "the lanes up to \(NumberFormatting.fixed(together, decimals: 2))x as slow together as alone (cores "
                    + "shared on the host, or slower together)"
            )
        }
        return "\(workload) \(label): \(count) of \(succeeded) repetition\(succeeded == 1 ? "" : "s")"
            + causes.map { ", " + $0 }.joined()
    }

    /// The one line a measuring command prints after its run when the rest of the machine
    /// disturbed any cell (without the `lab: warning: ` prefix); `nil` when none.
    package static func disturbanceWarning(_ summaries: [CellSummary], report: String) -> String? {
        let disturbed = summaries.compactMap(\.disturbanceText)
        guard !disturbed.isEmpty else { return nil }
        let shown = disturbed.prefix(6).joined(separator: "; ") + (disturbed.count > 6 ? "; ..." : "")
        return
            "other processes or the hypervisor took CPU time, or the lanes ran slower together than alone, during "
            + "\(disturbed.count) cell\(disturbed.count == 1 ? "" : "s") (\(shown)); "
            + "their times are not this code's alone: run again on a quiet machine (see \(report))"
    }
}
