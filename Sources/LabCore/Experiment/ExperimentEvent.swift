/// What an ``ExperimentRunner`` reports while it runs, for progress display and incremental writing.
package enum ExperimentEvent: Sendable {
    /// A repetition is about to start. `position` counts from 1 up to `total`, warm-ups included.
    case willRun(cell: Cell, repetition: Int, isWarmup: Bool, position: Int, total: Int)
    /// A measured repetition finished (successfully or not).
    case recorded(RepetitionRecord)
    /// What the repetition's tasks and lanes did, just before its ``recorded(_:)`` event (only
    /// when the runner records timelines). Not kept by the runner: keep what you need.
    case timeline(RepetitionTimeline, of: RepetitionRecord)
}
