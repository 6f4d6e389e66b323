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
