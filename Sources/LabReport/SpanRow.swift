import LabCore

/// One row of `tasks.csv`: a span, its times in seconds from the start of its repetition.
public struct SpanRow: Sendable, Equatable {
    public var lane: Int
    public var firstTask: Int
    public var taskCount: Int
    public var claimed: Double
    public var sent: Double
    public var started: Double
    public var ended: Double
    public var received: Double
    public var work: Double
    public var bytesIn: Int
    public var bytesOut: Int

    /// The share of the span's start-to-end stretch that its bodies ran (1 for one task).
    public var density: Double { ended > started ? min(work / (ended - started), 1) : 1 }

    /// Seconds a task of this span ran, on average: the span's own one when it holds one task.
    public var secondsPerTask: Double { work / Double(max(taskCount, 1)) }
}
