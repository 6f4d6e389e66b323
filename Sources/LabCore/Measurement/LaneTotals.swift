/// What a lane did in all, counted over every span, kept or not.
package struct LaneTotals: Sendable, Equatable {
    /// When the lane could claim its first task (`nil`: it never got that far).
    package var ready: UInt64?
    package var spans = 0
    package var busy: UInt64 = 0
    package var work: UInt64 = 0
    /// When it had its last result (`nil`: no span).
    package var lastReceived: UInt64?

    package init() {}
}
