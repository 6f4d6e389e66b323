import LabCore

/// An empty task: what is left is each mode's own cost per task, the hand-out for threads and
/// async, and for processes the round trip of a frame through two pipes.
package struct Noop: Workload {
    package static let name = "noop"
    package static let kind = WorkloadKind.cpu
    package static let summary = "an empty task: the pure per-task cost of each mode (for processes, a pipe round trip)"
    package static let parameters: [ParameterSpec] = []

    /// Enough tasks that the per-task cost dominates: 20,000 (2,000 with --quick).
    package static func defaultTaskCount(for parameters: Parameters) -> Int {
        parameters.isQuick ? 2_000 : 20_000
    }

    package init(parameters: Parameters, taskCount: Int) {}

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        TaskOutput(checksum: UInt64(index), units: 1)
    }
}
