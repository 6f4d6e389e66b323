/// Everything recorded of one repetition's tasks and lanes.
public struct RepetitionTimeline: Sendable, Equatable {
    /// A repetition keeps at most this many spans (shared evenly by its lanes, the earliest
    /// of each); its totals and breakdown still count every span. A cell of 100,000 tasks
    /// therefore needs a few hundred kilobytes, not megabytes, and tasks.csv stays readable.
    public static let keptSpanLimit = 5_000

    /// When the runner was asked to run the cell, and when its pool was gone.
    public var began: UInt64
    public var poolGone: UInt64
    public var lanes: [LaneTotals]
    /// The kept spans, lane by lane, each lane's in time order.
    public var spans: [TaskSpan]
    public var events: [LaneEvent]

    public init(began: UInt64, poolGone: UInt64, lanes: [LaneTotals], spans: [TaskSpan], events: [LaneEvent]) {
        self.began = began
        self.poolGone = poolGone
        self.lanes = lanes
        self.spans = spans
        self.events = events
    }

    /// Every span, kept or not.
    public var spanCount: Int { lanes.reduce(0) { $0 + $1.spans } }

    /// When the cell had its last result: the end of every lane's window and the start of
    /// the teardown.
    public var lastResult: UInt64 {
        let last = lanes.compactMap(\.lastReceived).max() ?? lanes.compactMap(\.ready).max() ?? began
        return min(max(last, began), max(poolGone, began))
    }

    /// Seconds from ``began`` to `time` (negative before it).
    public func offset(_ time: UInt64) -> Double {
        time >= began ? Double(time - began) / 1e9 : -Double(began - time) / 1e9
    }

    /// The parts of `wallSeconds` (the repetition's measured wall time).
    public func breakdown(wallSeconds: Double) -> TimeBreakdown {
        let end = lastResult
        var startup = 0.0, work = 0.0, exchange = 0.0, idle = 0.0
        for lane in lanes {
            let ready = min(max(lane.ready ?? end, began), end)
            let window = Double(end - ready) / 1e9
            let busy = min(Double(lane.busy) / 1e9, window)
            let laneWork = min(Double(lane.work) / 1e9, busy)
            startup += Double(ready - began) / 1e9
            work += laneWork
            exchange += busy - laneWork
            idle += window - busy
        }
        let count = Double(max(lanes.count, 1))
        let teardown = Double(max(poolGone, end) - end) / 1e9
        let parts = TimeBreakdown(
            startupSeconds: startup / count, workSeconds: work / count, exchangeSeconds: exchange / count, idleSeconds: idle / count,
            teardownSeconds: teardown, residualSeconds: 0)
        var result = parts
        result.residualSeconds = wallSeconds - parts.totalSeconds
        return result
    }
}
