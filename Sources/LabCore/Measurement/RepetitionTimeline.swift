/// Everything recorded of one repetition's tasks and lanes.
package struct RepetitionTimeline: Sendable, Equatable {
    /// A repetition keeps at most this many spans (shared evenly by its lanes, the earliest
    /// of each); its totals and breakdown still count every span. A cell of 100,000 tasks
    /// therefore needs a few hundred kilobytes, not megabytes, and tasks.csv stays readable.
    package static let keptSpanLimit = 5_000

    /// When the runner was asked to run the cell, and when its pool was gone.
    package var began: UInt64
    package var poolGone: UInt64
    package var lanes: [LaneTotals]
    /// The kept spans, lane by lane, each lane's in time order.
    package var spans: [TaskSpan]
    package var events: [LaneEvent]

    package init(began: UInt64, poolGone: UInt64, lanes: [LaneTotals], spans: [TaskSpan], events: [LaneEvent]) {
        self.began = began
        self.poolGone = poolGone
        self.lanes = lanes
        self.spans = spans
        self.events = events
    }

    /// Every span, kept or not.
    package var spanCount: Int { lanes.reduce(0) { $0 + $1.spans } }

    /// When the cell had its last result: the end of every lane's window and the start of
    /// the teardown.
    package var lastResult: UInt64 {
        let last = lanes.compactMap(\.lastReceived).max() ?? lanes.compactMap(\.ready).max() ?? began
        return min(max(last, began), max(poolGone, began))
    }

    /// Seconds from ``began`` to `time` (negative before it).
    package func offset(_ time: UInt64) -> Double {
        time >= began ? Double(time - began) / 1e9 : -Double(began - time) / 1e9
    }

    /// The parts of `wallSeconds` (the repetition's measured wall time).
    package func breakdown(wallSeconds: Double) -> TimeBreakdown {
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
            startupSeconds: startup / count, workSeconds: work / count, exchangeSeconds: exchange / count,
            idleSeconds: idle / count,
            teardownSeconds: teardown, residualSeconds: 0)
        var result = parts
        result.residualSeconds = wallSeconds - parts.totalSeconds
        return result
    }
}
