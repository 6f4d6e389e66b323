import LabCore

/// Streams over a large array: threads read one shared copy and share one memory bus; each
/// worker process must build its own copy first (a second heap), and then shares the bus too.
public struct Bandwidth: Workload {
    public static let name = "bandwidth"
    public static let kind = WorkloadKind.memory
    public static let summary = "stream over a large array: every thread shares one memory bus; every process needs its own copy"
    public static let parameters = [
        ParameterSpec(
            name: "bytes", type: .integer(8...(4 << 30)), defaultValue: "67108864", quickValue: "4194304", unit: "bytes",
            summary: "size of the array, made once per process (in a worker, during start-up)"),
        ParameterSpec(
            name: "passes", type: .integer(1...10_000), defaultValue: "4", quickValue: "2", unit: "count",
            summary: "times each task reads the whole array"),
    ]

    public static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let passes: Int
    /// Read-only once built, so every thread of a process may read it at once.
    let words: [UInt64]

    public init(parameters: Parameters, taskCount: Int) {
        passes = parameters.integer("passes")
        var generator = DeterministicRandom(seed: 0xba4d)
        words = (0..<(parameters.integer("bytes") / 8)).map { _ in generator.next() }
    }

    public func run(task index: Int, input: [UInt8]) -> TaskOutput {
        var sum: UInt64 = 0
        words.withUnsafeBufferPointer { buffer in
            for pass in 0..<passes {
                var partial: UInt64 = 0
                for word in buffer { partial &+= word }
                sum &+= partial ^ UInt64(pass)
            }
        }
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(sum)
        return TaskOutput(checksum: checksum.value, units: UInt64(words.count * 8 * passes))
    }
}
