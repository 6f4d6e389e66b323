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
