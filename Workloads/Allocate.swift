import LabCore

/// Many small allocations and frees: threads share one process's allocator, each worker
/// process has its own.
package struct Allocate: Workload {
    package static let name = "allocate"
    package static let kind = WorkloadKind.memory
    package static let summary =
        "many small allocations and frees: threads share one allocator, processes have their own"
    package static let parameters = [
        ParameterSpec(
            name: "count", type: .integer(1...100_000_000), defaultValue: "1000000", quickValue: "50000",
            unit: "allocations",
            summary: "allocations (and as many frees) per task"),
        ParameterSpec(
            name: "bytes", type: .integer(1...65536), defaultValue: "64", quickValue: "64", unit: "bytes",
            summary: "size of each allocation"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let count: Int
    let bytes: Int

    package init(parameters: Parameters, taskCount: Int) {
        count = parameters.integer("count")
        bytes = parameters.integer("bytes")
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        // A ring of live blocks: each step frees the oldest and allocates a new one, so the
        // allocator sees a steady mix of both, as a real program would.
        var ring = [[UInt8]?](repeating: nil, count: 256)
        var sum: UInt64 = 0
        for step in 0..<count {
            let slot = step & 255
            if let old = ring[slot] { sum &+= UInt64(old[old.count - 1]) }
            let value = UInt8(truncatingIfNeeded: step &+ index)
            ring[slot] = [UInt8](repeating: value, count: bytes)
        }
        for block in ring.compactMap({ $0 }) { sum &+= UInt64(block[0]) }
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(sum)
        return TaskOutput(checksum: checksum.value, units: UInt64(count))
    }
}
