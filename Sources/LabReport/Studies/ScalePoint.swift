import LabCore

/// One mode at one worker count of a scale study: a row of `scale.csv`.
package struct ScalePoint: Sendable {
    package let mode: ExecutionMode
    package let workers: Int
    package let transport: Transport?
    /// Successful repetitions (the figures are over these).
    package let succeeded: Int
    package let wallMedian: Double?
    package let tasksPerSecond: Double?
    /// The workload's own units of work per second (`nil` without units).
    package let unitsPerSecond: Double?
    /// Sequential median / this median.
    package let speedup: Double?
    /// A conservative 95% interval of the speedup: the sequential cell's t-interval over
    /// this cell's, end against opposite end; `nil` for sequential itself (the baseline).
    package let speedupInterval: ClosedRange<Double>?
    /// Speedup / workers.
    package var efficiency: Double? { speedup.map { $0 / Double(workers) } }
    /// The Karp-Flatt serial fraction, (1/speedup - 1/p) / (1 - 1/p) with p the workers;
    /// `nil` for one (no parallel part to tell apart). Past the cores it grows for work that
    /// computes (the extra workers find no core) and stays near 0 for work that waits.
    package let serialFraction: Double?
    /// Shares of the median repetition's wall time spent idle and in exchange.
    package let idleShare: Double?
    package let exchangeShare: Double?
    /// The share of the wall time each lane spent runnable but waiting for a core, as the
    /// scheduler measured it (median); `nil` where lanes are not measured (async, older runs).
    /// Past the cores this, not a serial part of the work, is what holds a computing mode back.
    package let waitingShare: Double?

    package init(
        mode: ExecutionMode, workers: Int, transport: Transport?, succeeded: Int, wallMedian: Double?,
        tasksPerSecond: Double?,
        unitsPerSecond: Double?, speedup: Double?, speedupInterval: ClosedRange<Double>?, idleShare: Double?,
        exchangeShare: Double?,
        waitingShare: Double? = nil
    ) {
        self.waitingShare = waitingShare
        self.mode = mode
        self.workers = workers
        self.transport = transport
        self.succeeded = succeeded
        self.wallMedian = wallMedian
        self.tasksPerSecond = tasksPerSecond
        self.unitsPerSecond = unitsPerSecond
        self.speedup = speedup
        self.speedupInterval = speedupInterval
        self.serialFraction = speedup.flatMap { ScaleReport.karpFlatt(speedup: $0, workers: workers) }
        self.idleShare = idleShare
        self.exchangeShare = exchangeShare
    }
}
