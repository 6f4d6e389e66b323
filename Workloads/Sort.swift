import LabCore

/// Sorts a generated array per task: compute plus allocation.
package struct Sort: Workload {
    package static let name = "sort"
    package static let kind = WorkloadKind.cpu
    package static let summary = "generate and sort an array of 64-bit integers per task: compute plus allocation"
    package static let parameters = [
        ParameterSpec(
            name: "count", type: .integer(1...50_000_000), defaultValue: "400000", quickValue: "20000",
            unit: "elements",
            summary: "how many integers each task generates and sorts")
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let count: Int

    package init(parameters: Parameters, taskCount: Int) {
        count = parameters.integer("count")
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        var generator = DeterministicRandom(seed: UInt64(index) &+ 0x5eed)
        var values = (0..<count).map { _ in generator.next() }
        values.sort()
        var checksum = Checksum()
        for value in values { checksum.combine(value) }
        return TaskOutput(checksum: checksum.value, units: UInt64(count))
    }
}
