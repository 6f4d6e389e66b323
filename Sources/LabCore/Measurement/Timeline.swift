/// One claim of one lane: a task, or a batch of consecutive tasks claimed at once, and when
/// each step of it happened, in nanoseconds on the monotonic clock (``Platform/monotonicNanoseconds()``).
///
/// A lane is a thread of the pool, a worker process's driver, an async slot (one task in
/// flight), or the coordinator itself in sequential mode. Times are taken once per claim, not
/// per task, so that recording stays cheap for tiny tasks: with `--batch 1` (and in async
/// mode) a span is one task.
public struct TaskSpan: Sendable, Equatable {
    /// From 0.
    public var lane: Int
    public var firstTask: Int
    public var taskCount: Int
    /// The driver claimed the tasks (before making their inputs).
    public var claimed: UInt64
    /// The tasks were handed over: written to the worker's pipe in process mode; the same as
    /// ``started`` elsewhere.
    public var sent: UInt64
    /// The first task's body started, and the last one's ended (for processes: on the
    /// worker's own clock, which is the same system-wide clock).
    public var started: UInt64
    public var ended: UInt64
    /// The driver had the last result.
    public var received: UInt64
    /// Nanoseconds the task bodies ran, summed (between ``started`` and ``ended``, without a
    /// worker's reading and writing in between).
    public var work: UInt64
    /// Input bytes handed to the tasks and result payload bytes they gave back.
    public var bytesIn: Int
    public var bytesOut: Int

    public init(
        lane: Int, firstTask: Int, taskCount: Int, claimed: UInt64, sent: UInt64, started: UInt64, ended: UInt64, received: UInt64,
        work: UInt64, bytesIn: Int, bytesOut: Int
    ) {
        self.lane = lane
        self.firstTask = firstTask
        self.taskCount = taskCount
        self.claimed = claimed
        self.sent = sent
        self.started = started
        self.ended = ended
        self.received = received
        self.work = work
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }

    /// What the lane was busy with: from the claim until the results were back.
    public var busy: UInt64 { received &- min(claimed, received) }
}

/// Something that happened to a lane outside its tasks.
public struct LaneEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The lane's driver was about to claim its first task: the end of its start-up.
        case laneReady = "lane_ready"
        /// A worker process was asked for, started (``spawned``), answered that it was ready,
        /// was asked to finish, and was gone (reaped).
        case spawn
        /// `Process.run()` returned: the spawn itself is over, the child is loading.
        case spawned
        case workerReady = "worker_ready"
        case finishRequested = "finish_requested"
        case workerGone = "worker_gone"
        /// The lane had its last result; ``LaneEvent/spans`` says how many spans it recorded
        /// in all (more than were kept when it hit the limit).
        case laneDone = "lane_done"
    }

    public var lane: Int
    public var kind: Kind
    public var at: UInt64
    /// The worker's process ID, for the worker events.
    public var processID: Int32?
    /// The lane's span count, for ``Kind/laneDone``.
    public var spans: Int?

    public init(lane: Int, kind: Kind, at: UInt64, processID: Int32? = nil, spans: Int? = nil) {
        self.lane = lane
        self.kind = kind
        self.at = at
        self.processID = processID
        self.spans = spans
    }
}

/// What a lane did in all, counted over every span, kept or not.
public struct LaneTotals: Sendable, Equatable {
    /// When the lane could claim its first task (`nil`: it never got that far).
    public var ready: UInt64?
    public var spans = 0
    public var busy: UInt64 = 0
    public var work: UInt64 = 0
    /// When it had its last result (`nil`: no span).
    public var lastReceived: UInt64?

    public init() {}
}

/// The wall time of one repetition, cut into measured parts that add up to it.
///
/// Every part but teardown is the average over lanes of that lane's own time: a lane's window
/// runs from the moment the cell began until the cell's last result, and is cut into its
/// start-up (until the lane could claim), the work (task bodies), the exchange (busy with its
/// tasks but not in their bodies: claiming and making inputs, for processes writing to the
/// pipe, the worker waking, reading and answering, and the result coming back) and the idle
/// time (nothing claimed: the tail, or waiting for the rest of the pool). Teardown runs from
/// the last result until the pool is gone. What no part covers (the lab's own bookkeeping
/// around the cell) is the residual, shown rather than spread over the parts.
public struct TimeBreakdown: Sendable, Equatable {
    public var startupSeconds: Double
    public var workSeconds: Double
    public var exchangeSeconds: Double
    public var idleSeconds: Double
    public var teardownSeconds: Double
    public var residualSeconds: Double

    public init(startupSeconds: Double, workSeconds: Double, exchangeSeconds: Double, idleSeconds: Double, teardownSeconds: Double, residualSeconds: Double) {
        self.startupSeconds = startupSeconds
        self.workSeconds = workSeconds
        self.exchangeSeconds = exchangeSeconds
        self.idleSeconds = idleSeconds
        self.teardownSeconds = teardownSeconds
        self.residualSeconds = residualSeconds
    }

    /// The parts, in order, with their column names' stems.
    public var parts: [(name: String, seconds: Double)] {
        [
            ("startup", startupSeconds), ("work", workSeconds), ("exchange", exchangeSeconds), ("idle", idleSeconds),
            ("teardown", teardownSeconds), ("residual", residualSeconds),
        ]
    }

    /// The sum of the parts, residual included: the wall time they were cut from.
    public var totalSeconds: Double { parts.reduce(0) { $0 + $1.seconds } }
}

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
            if let done = lane.totals.lastReceived { all.append(LaneEvent(lane: lane.lane, kind: .laneDone, at: done, spans: lane.totals.spans)) }
        }
        all.sort { ($0.at, $0.lane) < ($1.at, $1.lane) }
        return RepetitionTimeline(began: began, poolGone: poolGone, lanes: lanes.map(\.totals), spans: lanes.flatMap(\.spans), events: all)
    }
}

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

/// The times of one claim while it is performed: filled in by a ``TaskPerformer``.
package struct SpanTimes {
    package var sent: UInt64 = 0
    package var started: UInt64 = 0
    package var ended: UInt64 = 0
    package var work: UInt64 = 0
    /// When the results were back with the driver, if the performer knows (one that runs the
    /// tasks in the driver's thread has delivered every result when its last task ends);
    /// otherwise the driver reads the clock once more.
    package var received: UInt64 = 0

    package init() {}

    /// Adds a stretch of task bodies that ran from `started` to `ended`.
    package mutating func add(started: UInt64, ended: UInt64) {
        if self.started == 0 { self.started = started }
        if sent == 0 { sent = started }
        self.ended = max(self.ended, ended)
        work &+= ended &- min(started, ended)
    }
}
