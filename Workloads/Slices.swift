import LabCore

/// One large table that every task reads a slice of, as a data loader's workers read one
/// dataset: threads share the coordinator's copy, each worker process builds its own while it
/// starts (`--dataset copy`), or maps the coordinator's (`--dataset map`).
package struct Slices: Workload {
    package static let name = "slices"
    package static let kind = WorkloadKind.memory
    package static let summary =
        "hash one slice each of a large shared table: built per process, or mapped from the coordinator's (--dataset "
        + "map)"
    package static let parameters = [
        ParameterSpec(
            name: "bytes", type: .integer(1...(4 << 30)), defaultValue: "67108864", quickValue: "4194304",
            unit: "bytes",
            summary: "size of the table, built once per process, or once by the coordinator with --dataset map"),
        ParameterSpec(
            name: "rounds", type: .integer(1...1000), defaultValue: "2", quickValue: "1", unit: "count",
            summary: "how many times a task hashes its slice"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 16 }

    /// A demonstration of `--dataset`, run when named: the default plan stays as it was.
    package static var isInDefaultPlan: Bool { false }

    package static func datasetBytes(for parameters: Parameters) -> Int? { parameters.integer("bytes") }

    package static func fillDataset(_ buffer: UnsafeMutableRawBufferPointer, parameters: Parameters) {
        var generator = DeterministicRandom(seed: 0x511ce5)
        var offset = 0
        while offset < buffer.count {
            var word = generator.next()
            for _ in 0..<min(8, buffer.count - offset) {
                buffer[offset] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                offset += 1
            }
        }
    }

    let rounds: Int
    let taskCount: Int
    let table: Dataset

    package init(parameters: Parameters, taskCount: Int) {
        self.init(parameters: parameters, taskCount: taskCount, dataset: nil)
    }

    /// Built around the runtime's dataset, or (without one) a copy of its own.
    package init(parameters: Parameters, taskCount: Int, dataset: Dataset?) {
        rounds = parameters.integer("rounds")
        self.taskCount = taskCount
        table = dataset ?? Dataset.inHeap(of: Slices.self, parameters: parameters)!
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        let slice = TaskSlice.range(of: table.bytes.count, task: index, of: taskCount)
        let bytes = UnsafeRawBufferPointer(rebasing: table.bytes[slice])
        var checksum = Checksum()
        checksum.combine(UInt64(slice.lowerBound))
        for round in 0..<rounds {
            checksum.combine(UInt64(round))
            checksum.combine(bytes: bytes)
        }
        return TaskOutput(checksum: checksum.value, units: UInt64(bytes.count * rounds))
    }
}
