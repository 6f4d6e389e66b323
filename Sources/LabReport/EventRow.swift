import LabCore

/// One row of `lanes.csv`: an event of a lane (``LaneEvent``), or of the whole repetition
/// (`last_result`, `pool_gone`, with no lane).
public struct EventRow: Sendable, Equatable {
    public static let lastResult = "last_result"
    public static let poolGone = "pool_gone"

    public var lane: Int?
    public var event: String
    public var at: Double
    public var processID: Int32?
    /// For `lane_done`: how many spans the lane recorded in all.
    public var spans: Int?

    public init(lane: Int?, event: String, at: Double, processID: Int32? = nil, spans: Int? = nil) {
        self.lane = lane
        self.event = event
        self.at = at
        self.processID = processID
        self.spans = spans
    }
}
