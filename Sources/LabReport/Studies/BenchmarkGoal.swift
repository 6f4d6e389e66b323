import LabCore

/// A goal a figure of `lab bench` is held to, written once: its text and its check come from
/// the same value.
package enum BenchmarkGoal: Sendable, Equatable {
    case atMost(Double)
    case below(Double)
    case atLeast(Double)

    /// As `bench.csv` and the table show it: `<= 1.5`.
    package var text: String {
        switch self {
        case .atMost(let bound): "<= \(bound.shortText)"
        case .below(let bound): "< \(bound.shortText)"
        case .atLeast(let bound): ">= \(bound.shortText)"
        }
    }

    /// The number the goal compares with: `1.5` of `<= 1.5`.
    package var bound: Double {
        switch self {
        case .atMost(let bound), .below(let bound), .atLeast(let bound): bound
        }
    }

    package func isMet(by value: Double) -> Bool {
        switch self {
        case .atMost(let bound): value <= bound
        case .below(let bound): value < bound
        case .atLeast(let bound): value >= bound
        }
    }
}
