import LabCore

/// Finds the longest Collatz chain (n -> n/2 or 3n+1, until 1) that starts in each task's
/// slice of 1...limit. Pure compute with a tiny result.
struct Collatz: Workload {
    static let name = "collatz"
    static let kind = WorkloadKind.cpu
    static let summary = "the longest Collatz chain starting in each slice of 1...limit"
    static let parameters = [
        ParameterSpec(
            name: "limit", type: .integer(1...100_000_000), defaultValue: "3000000", quickValue: "50000", unit: "count",
            summary: "the starting numbers 1...limit, split into one slice per task")
    ]

    static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let limit: Int
    let taskCount: Int

    init(parameters: Parameters, taskCount: Int) {
        limit = parameters.integer("limit")
        self.taskCount = taskCount
    }

    func run(task index: Int, input: [UInt8]) -> TaskOutput {
        // This task's part of 0..<limit, shifted to start at 1.
        let starts = TaskSlice.range(of: limit, task: index, of: taskCount).map { $0 + 1 }
        var longest = 0
        var longestStart = 0
        for start in starts {
            var number = start
            var steps = 0
            while number != 1 {
                number = number % 2 == 0 ? number / 2 : 3 * number + 1
                steps += 1
            }
            if steps > longest {
                longest = steps
                longestStart = start
            }
        }
        var checksum = Checksum()
        checksum.combine(UInt64(longestStart))
        checksum.combine(UInt64(longest))
        return TaskOutput(checksum: checksum.value, units: UInt64(starts.count))
    }
}
