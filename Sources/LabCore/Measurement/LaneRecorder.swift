/// One lane's part of a ``TimelineRecorder``.
package final class LaneRecorder: @unchecked Sendable {
    package let lane: Int
    /// What the lane recorded. A driver thread works on its own copy (``LaneLog`` is a value)
    /// and stores it back when it is done, so that two lanes never write to memory that may
    /// share a cache line while their tasks run.
    package var log: LaneLog

    init(lane: Int, keep: Int) {
        self.lane = lane
        self.log = LaneLog(keep: keep)
    }

    var spans: [TaskSpan] { log.spans }
    var totals: LaneTotals { log.totals }

    /// Marks the lane ready to claim, the first time only.
    package func markReady(at time: UInt64 = Platform.monotonicNanoseconds()) {
        log.markReady(at: time)
    }

    package func record(_ span: TaskSpan) {
        log.record(span)
    }
}

/// A lane's spans (the first `keep` of them) and totals (of all of them).
package struct LaneLog: Sendable {
    let keep: Int
    private(set) var spans: [TaskSpan] = []
    private(set) var totals = LaneTotals()

    init(keep: Int) {
        self.keep = keep
    }

    /// Marks the lane ready to claim, the first time only.
    package mutating func markReady(at time: UInt64 = Platform.monotonicNanoseconds()) {
        if totals.ready == nil { totals.ready = time }
    }

    /// Moves the end of the lane's last span to `time`: for work that belongs to it but comes
    /// after it, like depositing the lane's results at the end (exchange, not idle).
    package mutating func extendLastSpan(to time: UInt64) {
        guard let last = totals.lastReceived, time > last else { return }
        totals.busy &+= time - last
        totals.lastReceived = time
        if spans.count == totals.spans, !spans.isEmpty { spans[spans.count - 1].received = time }
    }

    package mutating func record(_ span: TaskSpan) {
        totals.spans += 1
        totals.busy &+= span.busy
        totals.work &+= span.work
        totals.lastReceived = max(totals.lastReceived ?? 0, span.received)
        if spans.count < keep {
            if spans.isEmpty { spans.reserveCapacity(min(keep, 256)) }
            spans.append(span)
        }
    }
}
