/// Records a repetition's spans and lane events while it runs. Each lane is written by one
/// thread at a time (its driver, or the async group's loop) and read after the run joined
/// those threads, which is why the unchecked conformances are safe.
package final class TimelineRecorder: @unchecked Sendable {
    package let lanes: [LaneRecorder]
    private var events: [LaneEvent] = []

    package init(lanes count: Int, keptSpanLimit: Int = RepetitionTimeline.keptSpanLimit) {
        let keep = max(keptSpanLimit / max(count, 1), 1)
        lanes = (0..<max(count, 1)).map { LaneRecorder(lane: $0, keep: keep) }
    }

    /// Adds events recorded elsewhere (a worker's life); call from the thread that owns the run.
    package func add(_ more: [LaneEvent]) {
        events += more
    }

    package func timeline(began: UInt64, poolGone: UInt64) -> RepetitionTimeline {
        var all = events
        for lane in lanes {
            if let ready = lane.totals.ready { all.append(LaneEvent(lane: lane.lane, kind: .laneReady, at: ready)) }
            if let done = lane.totals.lastReceived {
                all.append(LaneEvent(lane: lane.lane, kind: .laneDone, at: done, spans: lane.totals.spans))
            }
        }
        all.sort { ($0.at, $0.lane) < ($1.at, $1.lane) }
        return RepetitionTimeline(
            began: began, poolGone: poolGone, lanes: lanes.map(\.totals), spans: lanes.flatMap(\.spans), events: all)
    }
}
