/// Measures elapsed wall time on the monotonic clock (immune to clock adjustments).
public struct Stopwatch: Sendable {
    private let startSeconds: Double

    /// Starts measuring now.
    public init() {
        startSeconds = Platform.monotonicSeconds()
    }

    /// Seconds since the stopwatch was started.
    public var elapsedSeconds: Double {
        Platform.monotonicSeconds() - startSeconds
    }
}
