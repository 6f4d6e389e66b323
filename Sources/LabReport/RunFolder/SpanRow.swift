/// One row of `tasks.csv`: a span, its times in seconds from the start of its repetition.
package struct SpanRow: Sendable, Equatable {
    package var lane: Int
    package var firstTask: Int
    package var taskCount: Int
    package var claimed: Double
    package var sent: Double
    package var started: Double
    package var ended: Double
    package var received: Double
    package var work: Double
    package var bytesIn: Int
    package var bytesOut: Int

    /// The share of the span's start-to-end stretch that its bodies ran (1 for one task).
    package var density: Double { ended > started ? min(work / (ended - started), 1) : 1 }

    /// Seconds a task of this span ran, on average: the span's own one when it holds one task.
    package var secondsPerTask: Double { work / Double(max(taskCount, 1)) }
}
