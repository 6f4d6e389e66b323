/// One row of `lanes.csv`: an event of a lane (``LaneEvent``), or of the whole repetition
/// (`last_result`, `pool_gone`, with no lane).
package struct EventRow: Sendable, Equatable {
    package static let lastResult = "last_result"
    package static let poolGone = "pool_gone"

    package var lane: Int?
    package var event: String
    package var at: Double
    package var processID: Int32?
    /// For `lane_done`: how many spans the lane recorded in all.
    package var spans: Int?

    package init(lane: Int?, event: String, at: Double, processID: Int32? = nil, spans: Int? = nil) {
        self.lane = lane
        self.event = event
        self.at = at
        self.processID = processID
        self.spans = spans
    }
}
