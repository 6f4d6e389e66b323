/// Something that happened to a lane outside its tasks.
package struct LaneEvent: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
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

    package var lane: Int
    package var kind: Kind
    package var at: UInt64
    /// The worker's process ID, for the worker events.
    package var processID: Int32?
    /// The lane's span count, for ``Kind/laneDone``.
    package var spans: Int?

    package init(lane: Int, kind: Kind, at: UInt64, processID: Int32? = nil, spans: Int? = nil) {
        self.lane = lane
        self.kind = kind
        self.at = at
        self.processID = processID
        self.spans = spans
    }
}
