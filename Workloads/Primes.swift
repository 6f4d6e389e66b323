import LabCore

/// Counts primes by trial division: pure compute, no input, a few bytes of result.
/// Threads and processes should both scale with cores; nothing crosses the pipe but a task
/// index and a checksum.
public struct Primes: Workload {
    public static let name = "primes"
    public static let kind = WorkloadKind.cpu
    public static let summary = "count the primes below `limit` by trial division, one slice of the range per task"
    public static let parameters = [
        ParameterSpec(
            name: "limit", type: .integer(2...4_000_000_000), defaultValue: "9000000", quickValue: "300000",
            unit: "count", summary: "the numbers 0..<limit are tested, split into equal slices, one per task"),
    ]

    public static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let limit: Int
    let taskCount: Int

    public init(parameters: Parameters, taskCount: Int) {
        limit = parameters.integer("limit")
        self.taskCount = taskCount
    }

    /// The slice of `0..<limit` that task `index` tests; the slices cover it exactly once.
    public func slice(forTask index: Int) -> Range<Int> {
        TaskSlice.range(of: limit, task: index, of: taskCount)
    }

    public func run(task index: Int, input: [UInt8]) -> TaskOutput {
        let range = slice(forTask: index)
        var count: UInt64 = 0
        var sum: UInt64 = 0
        for candidate in range where Primes.isPrime(candidate) {
            count += 1
            sum &+= UInt64(candidate)
        }
        var checksum = Checksum()
        checksum.combine(count)
        checksum.combine(sum)
        return TaskOutput(checksum: checksum.value, units: UInt64(range.count))
    }

    /// Trial division by 2, 3 and the numbers 6k +/- 1 up to the square root.
    public static func isPrime(_ number: Int) -> Bool {
        if number < 2 { return false }
        if number < 4 { return true }
        if number % 2 == 0 || number % 3 == 0 { return false }
        var divisor = 5
        while divisor * divisor <= number {
            if number % divisor == 0 || number % (divisor + 2) == 0 { return false }
            divisor += 6
        }
        return true
    }
}
