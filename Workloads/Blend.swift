import LabCore

/// Each task waits, then computes. Mostly waiting favours any concurrent mode with many
/// workers; mostly computing caps the gain at the number of cores. Moving the mix moves the
/// winner.
package struct Blend: Workload {
    package static let name = "blend"
    package static let kind = WorkloadKind.mixed
    package static let summary = "each task waits wait_ms, then computes spin units: moving the mix moves the winner"
    package static let parameters = [
        ParameterSpec(
            name: "wait_ms", type: .number(0...60_000), defaultValue: "10", quickValue: "2", unit: "ms",
            summary: "how long each task waits first (a sleep, or Task.sleep in async mode)"),
        ParameterSpec(
            name: "spin", type: .integer(0...10_000_000_000), defaultValue: "5000000", quickValue: "500000",
            unit: "steps",
            summary: "steps of a dependent arithmetic chain each task then computes (about 1-2 ns each)"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 16 }

    /// Each task waits and then computes, so doubling `spin` alone does not double a task:
    /// the task count is its size.
    package static let sizeParameter: String? = nil

    let waitSeconds: Double
    let spin: Int

    package init(parameters: Parameters, taskCount: Int) {
        waitSeconds = parameters.number("wait_ms") / 1000
        spin = parameters.integer("spin")
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        Platform.sleep(seconds: waitSeconds)
        return compute(task: index)
    }

    package func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput {
        try await Task.sleep(nanoseconds: UInt64(waitSeconds * 1e9))
        return compute(task: index)
    }

    /// A linear congruential chain: each step needs the one before, so it cannot be skipped.
    func compute(task index: Int) -> TaskOutput {
        var state = UInt64(index) &+ 1
        for _ in 0..<spin {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        }
        return TaskOutput(checksum: state, units: UInt64(spin))
    }
}
