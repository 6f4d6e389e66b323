import LabCore

/// The coordinator makes a large input buffer per task and the task hashes it: free to hand
/// to a thread, copied through a pipe for a process, written where the worker reads it over
/// shared memory.
package struct Digest: InPlaceWorkload {
    package static let name = "digest"
    package static let kind = WorkloadKind.cpu
    package static let summary =
        "hash a large input buffer made by the coordinator (a large input to ship to processes)"
    package static let parameters = [
        ParameterSpec(
            name: "bytes", type: .integer(1...(256 << 20)), defaultValue: "4194304", quickValue: "65536", unit: "bytes",
            summary: "input bytes per task, made by the coordinator's side and handed to the task"),
        ParameterSpec(
            name: "rounds", type: .integer(1...1000), defaultValue: "4", quickValue: "2", unit: "count",
            summary: "how many times the task hashes its input"),
        ParameterSpec(
            name: "echo", type: .choice(["no", "yes"]), defaultValue: "no", quickValue: "no", unit: "",
            summary: "yes: also send the input back as the result, so the bytes cross the pipes both ways"),
    ]

    package static func defaultTaskCount(for parameters: Parameters) -> Int { 16 }

    let bytes: Int
    let rounds: Int
    let echoes: Bool

    package init(parameters: Parameters, taskCount: Int) {
        bytes = parameters.integer("bytes")
        rounds = parameters.integer("rounds")
        echoes = parameters.choice("echo") == "yes"
    }

    package func inputByteCount(forTask index: Int) -> Int { bytes }

    package func writeInput(forTask index: Int, into buffer: UnsafeMutableRawBufferPointer) {
        DeterministicRandom.fill(buffer, seed: UInt64(index))
    }

    package func resultByteCount(forTask index: Int) -> Int { echoes ? bytes : 0 }

    package func run(task index: Int, input: UnsafeRawBufferPointer, result: inout ResultBuffer) throws -> TaskOutput {
        var checksum = Checksum()
        for round in 0..<rounds {
            checksum.combine(UInt64(round))
            checksum.combine(bytes: input)
        }
        if echoes { try result.append(input) }
        return TaskOutput(checksum: checksum.value, units: UInt64(input.count * rounds))
    }
}
