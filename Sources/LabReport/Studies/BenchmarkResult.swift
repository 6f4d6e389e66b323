/// One figure of `lab bench`: a row of `bench.csv`, with the goal it is held to.
package struct BenchmarkResult: Sendable, Equatable {
    /// Such as `thread_task_cost`.
    package var measurement: String
    package var value: Double
    /// `us`, `ms` or `x` (a ratio).
    package var unit: String
    /// `nil` for a figure that is only context.
    package var goal: BenchmarkGoal?
    package var detail: String

    package init(measurement: String, value: Double, unit: String, goal: BenchmarkGoal? = nil, detail: String) {
        self.measurement = measurement
        self.value = value
        self.unit = unit
        self.goal = goal
        self.detail = detail
    }

    /// Whether `value` meets the goal; `nil` without a goal.
    package var meetsGoal: Bool? { goal.map { $0.isMet(by: value) } }
}
