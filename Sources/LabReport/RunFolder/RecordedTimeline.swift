import LabCore

/// What tasks.csv and lanes.csv hold of one repetition.
package struct RecordedTimeline: Sendable, Equatable {
    package var spans: [SpanRow] = []
    package var events: [EventRow] = []

    package init(spans: [SpanRow] = [], events: [EventRow] = []) {
        self.spans = spans
        self.events = events
    }

    /// The first event `name` of `lane` (`nil`: of the whole repetition), if it was written.
    package func event(_ name: String, lane: Int? = nil) -> EventRow? {
        events.first { $0.lane == lane && $0.event == name }
    }

    /// The time of event `name` of `lane` (`nil`: of the whole repetition), if it was written.
    package func time(of name: String, lane: Int? = nil) -> Double? {
        event(name, lane: lane)?.at
    }

    /// Per lane that dropped spans (it reached the limit): how many it kept, how many it had,
    /// and when its last kept span and its last result were.
    package func truncation(of lane: Int) -> (kept: Int, all: Int, from: Double, to: Double)? {
        guard let done = event(LaneEvent.Kind.laneDone.rawValue, lane: lane), let all = done.spans else { return nil }
        let kept = spans.filter { $0.lane == lane }
        guard kept.count < all else { return nil }
        return (kept.count, all, kept.map(\.received).max() ?? 0, done.at)
    }

    /// How many lanes the repetition had (from its spans and events).
    package var laneCount: Int {
        max(spans.map(\.lane).max() ?? -1, events.compactMap(\.lane).max() ?? -1) + 1
    }

    /// The rows of a recorded timeline.
    package init(_ timeline: RepetitionTimeline) {
        spans = timeline.spans.map { span in
            SpanRow(
                lane: span.lane, firstTask: span.firstTask, taskCount: span.taskCount,
                claimed: timeline.offset(span.claimed),
                sent: timeline.offset(span.sent), started: timeline.offset(span.started),
                ended: timeline.offset(span.ended),
                received: timeline.offset(span.received), work: Double(span.work) / 1e9, bytesIn: span.bytesIn,
                bytesOut: span.bytesOut)
        }
        events = timeline.events.map {
            EventRow(
                lane: $0.lane, event: $0.kind.rawValue, at: timeline.offset($0.at), processID: $0.processID,
                spans: $0.spans)
        }
        events.append(EventRow(lane: nil, event: EventRow.lastResult, at: timeline.offset(timeline.lastResult)))
        events.append(EventRow(lane: nil, event: EventRow.poolGone, at: timeline.offset(timeline.poolGone)))
    }
}
