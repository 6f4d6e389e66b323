import LabCore

/// One figure of `lab bench`: a row of `bench.csv`, with the goal it is held to.
public struct BenchmarkResult: Sendable, Equatable {
    /// Such as `thread_task_cost`.
    public var measurement: String
    public var value: Double
    /// `us`, `ms` or `x` (a ratio).
    public var unit: String
    /// `nil` for a figure that is only context.
    public var goal: BenchmarkGoal?
    public var detail: String

    public init(measurement: String, value: Double, unit: String, goal: BenchmarkGoal? = nil, detail: String) {
        self.measurement = measurement
        self.value = value
        self.unit = unit
        self.goal = goal
        self.detail = detail
    }

    /// Whether `value` meets the goal; `nil` without a goal.
    public var meetsGoal: Bool? { goal.map { $0.isMet(by: value) } }
}
