import LabCore

/// Streams over a large array: threads read one shared copy and share one memory bus; each
/// worker process must build its own copy first (a second heap), and then shares the bus too.
package struct Bandwidth: Workload {
    package static let name = "bandwidth"
    package static let kind = WorkloadKind.memory
    package static let summary =
        "stream over a large array: every thread shares one memory bus; every process needs its own copy"
    package static let parameters = [
        ParameterSpec(
            name: "bytes", type: .integer(8...(4 << 30)), defaultValue: "67108864", quickValue: "4194304",
            unit: "bytes",
            summary:
                "size of the array, made once per process (in a worker, during start-up), or mapped from the "
                + "coordinator's with --dataset map"
        ),
        ParameterSpec(
            name: "passes", type: .integer(1...10_000), defaultValue: "4", quickValue: "2", unit: "count",
            summary: "times each task reads the whole array"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    /// The array, whole 64-bit words of pseudo-random bits.
    package static func datasetBytes(for parameters: Parameters) -> Int? {
        parameters.integer("bytes") / 8 * 8
    }

    package static func fillDataset(_ buffer: UnsafeMutableRawBufferPointer, parameters: Parameters) {
        var generator = DeterministicRandom(seed: 0xba4d)
        let words = buffer.bindMemory(to: UInt64.self)
        for index in words.indices { words[index] = generator.next() }
    }

    let passes: Int
    /// Read-only once built, so every thread of a process may read it at once; in this
    /// process's heap, or mapped from the coordinator's (`--dataset map`).
    let dataset: Dataset

    package init(parameters: Parameters, taskCount: Int) {
        self.init(parameters: parameters, taskCount: taskCount, dataset: nil)
    }

    /// Built around the runtime's dataset, or (without one) a copy of its own.
    package init(parameters: Parameters, taskCount: Int, dataset: Dataset?) {
        passes = parameters.integer("passes")
        self.dataset = dataset ?? Dataset.inHeap(of: Bandwidth.self, parameters: parameters)!
    }

    package func run(task index: Int, input: [UInt8]) -> TaskOutput {
        var sum: UInt64 = 0
        let buffer = dataset.words
        for pass in 0..<passes {
            var partial: UInt64 = 0
            for word in buffer { partial &+= word }
            sum &+= partial ^ UInt64(pass)
        }
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(sum)
        return TaskOutput(checksum: checksum.value, units: UInt64(buffer.count * 8 * passes))
    }
}
