import LabCore

/// The tutorial's first example: tasks that only wait. Three tasks sleeping 3, 2 and 1 s take
/// 6 s one after another and about 3 s when they overlap, in every concurrent mode.
package struct Sleep: Workload {
    package static let name = "sleep"
    package static let kind = WorkloadKind.io
    package static let summary = "task i sleeps seconds[i % count]: waiting overlaps in every concurrent mode"
    package static let parameters = [
        ParameterSpec(
            name: "seconds", type: .numberList(0...3600), defaultValue: "0.3,0.2,0.1", quickValue: "0.03,0.02,0.01",
            unit: "s", summary: "how long each task sleeps, cycled over the tasks (the tutorial's case is 3,2,1)")
    ]

    /// One task per listed duration.
    package static func defaultTaskCount(for parameters: Parameters) -> Int {
        parameters.numbers("seconds").count
    }

    let seconds: [Double]

    package init(parameters: Parameters, taskCount: Int) {
        seconds = parameters.numbers("seconds")
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        Platform.sleep(seconds: seconds[index % seconds.count])
        return output(task: index)
    }

    /// Suspends instead of blocking a thread: a thousand sleeping tasks need no thousand threads.
    package func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput {
        try await Task.sleep(nanoseconds: UInt64(seconds[index % seconds.count] * 1e9))
        return output(task: index)
    }

    func output(task index: Int) -> TaskOutput {
        let microseconds = UInt64((seconds[index % seconds.count] * 1e6).rounded())
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(microseconds)
        return TaskOutput(checksum: checksum.value, units: microseconds)
    }
}
