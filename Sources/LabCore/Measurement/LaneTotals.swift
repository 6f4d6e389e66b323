/// What a lane did in all, counted over every span, kept or not.
public struct LaneTotals: Sendable, Equatable {
    /// When the lane could claim its first task (`nil`: it never got that far).
    public var ready: UInt64?
    public var spans = 0
    public var busy: UInt64 = 0
    public var work: UInt64 = 0
    /// When it had its last result (`nil`: no span).
    public var lastReceived: UInt64?

    public init() {}
}
