/// Measures elapsed wall time on the monotonic clock (immune to clock adjustments).
package struct Stopwatch: Sendable {
    private let startSeconds: Double

    /// Starts measuring now.
    package init() {
        startSeconds = Platform.monotonicSeconds()
    }

    /// Seconds since the stopwatch was started.
    package var elapsedSeconds: Double {
        Platform.monotonicSeconds() - startSeconds
    }
}
