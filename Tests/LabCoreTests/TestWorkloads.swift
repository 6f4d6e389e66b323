import Glibc
@testable import LabCore

/// A small workload for the engine's tests: input bytes made from the task index, a checksum
/// of them, the reversed input as result bytes, and an optional task that throws.
struct Echo: Workload {
    struct Failure: Error, CustomStringConvertible {
        let index: Int
        var description: String { "echo refuses task \(index)" }
    }

    static let name = "echo"
    static let kind = WorkloadKind.cpu
    static let summary = "returns its input reversed"
    static let parameters = [
        ParameterSpec(
            name: "size", type: .integer(0...(1 << 24)), defaultValue: "100", quickValue: "10", unit: "bytes",
            summary: "input bytes per task"),
        ParameterSpec(
            name: "fail_at", type: .integer(-1...1_000_000), defaultValue: "-1", quickValue: "-1", unit: "index",
            summary: "task that throws; -1 for none"),
    ]

    static func defaultTaskCount(for parameters: Parameters) -> Int { 16 }

    let size: Int
    let failAt: Int

    init(parameters: Parameters, taskCount: Int) {
        size = parameters.integer("size")
        failAt = parameters.integer("fail_at")
    }

    func input(forTask index: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }
    }

    func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        if index == failAt { throw Failure(index: index) }
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(bytes: input)
        return TaskOutput(checksum: checksum.value, units: 1, payload: input.reversed())
    }
}

/// The run's checksum computed without any runner: each task's body called in task order,
/// its outcome taken as a runner takes it, and ``Checksum/combined(_:)`` over them.
func checksumTaskByTask(_ workload: ConfiguredWorkload) throws -> UInt64 {
    let body = workload.instance
    let outcomes = try (0..<workload.taskCount).map { index in
        let input = body.input(forTask: index)
        return TaskOutcome(output: try body.run(task: index, input: input), inputBytes: input.count)
    }
    return Checksum.combined(outcomes)
}

func configuredEcho(_ overrides: [String: String] = [:], tasks: Int? = nil) throws -> ConfiguredWorkload {
    try ConfiguredWorkload(type: Echo.self, parameters: Echo.parameters(overriding: overrides), taskCount: tasks)
}

/// A fixture that reports it broke while the run goes on, like a server whose accept failed.
final class BrokenFixture: WorkloadFixture {
    let values: [String: String] = [:]
    var failure: String? { "it stopped serving" }
    func stop() {}
}

/// Echo with a fixture that breaks: the repetitions must fail with the fixture's reason.
struct EchoWithBrokenFixture: Workload {
    static let name = "echo-broken-fixture"
    static let kind = WorkloadKind.cpu
    static let summary = "echo, beside a fixture that has failed"
    static let parameters: [ParameterSpec] = []
    static func defaultTaskCount(for parameters: Parameters) -> Int { 4 }
    static func startFixture(parameters: Parameters) throws -> (any WorkloadFixture)? { BrokenFixture() }

    init(parameters: Parameters, taskCount: Int) {}

    func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        TaskOutput(checksum: UInt64(index), units: 1)
    }
}

/// Echo whose fixture cannot start, like a server whose socket the system refuses.
struct EchoWithUnstartableFixture: Workload {
    static let name = "echo-unstartable-fixture"
    static let kind = WorkloadKind.cpu
    static let summary = "echo, whose fixture fails to start"
    static let parameters: [ParameterSpec] = []
    static func defaultTaskCount(for parameters: Parameters) -> Int { 4 }
    static func startFixture(parameters: Parameters) throws -> (any WorkloadFixture)? {
        throw SystemError(call: "socket", errno: EMFILE)
    }

    init(parameters: Parameters, taskCount: Int) {}

    func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        TaskOutput(checksum: UInt64(index), units: 1)
    }
}

/// Echo as an in-place workload: the same inputs, checksums and results as ``Echo``, its
/// input written where the body reads it and its result where the reader finds it. `misuse`
/// breaks a promise on task 1: `overflow` writes a byte more than it declared, `payload`
/// returns its result instead of writing it.
struct InPlaceEcho: InPlaceWorkload {
    static let name = "in-place-echo"
    static let kind = WorkloadKind.cpu
    static let summary = "echo, in place"
    static let parameters = [
        ParameterSpec(
            name: "size", type: .integer(0...(1 << 24)), defaultValue: "100", quickValue: "10", unit: "bytes",
            summary: "input bytes per task"),
        ParameterSpec(
            name: "misuse", type: .choice(["none", "overflow", "payload"]), defaultValue: "none", quickValue: "none",
            unit: "",
            summary: "the promise task 1 breaks"),
    ]

    static func defaultTaskCount(for parameters: Parameters) -> Int { 16 }

    let size: Int
    let misuse: String

    init(parameters: Parameters, taskCount: Int) {
        size = parameters.integer("size")
        misuse = parameters.choice("misuse")
    }

    func inputByteCount(forTask index: Int) -> Int { size }

    func writeInput(forTask index: Int, into buffer: UnsafeMutableRawBufferPointer) {
        for offset in 0..<size { buffer[offset] = UInt8(truncatingIfNeeded: offset &* 7 &+ index) }
    }

    func resultByteCount(forTask index: Int) -> Int { size }

    func run(task index: Int, input: UnsafeRawBufferPointer, result: inout ResultBuffer) throws -> TaskOutput {
        var checksum = Checksum()
        checksum.combine(UInt64(index))
        checksum.combine(bytes: input)
        try result.append(byteCount: input.count) { bytes in
            for offset in 0..<input.count { bytes[offset] = input[input.count - 1 - offset] }
        }
        if index == 1, misuse == "overflow" { try result.append(byteCount: 1) { $0[0] = 0 } }
        if index == 1, misuse == "payload" { return TaskOutput(checksum: checksum.value, units: 1, payload: [1]) }
        return TaskOutput(checksum: checksum.value, units: 1)
    }
}

func configuredInPlaceEcho(_ overrides: [String: String] = [:], tasks: Int? = nil) throws -> ConfiguredWorkload {
    try ConfiguredWorkload(
        type: InPlaceEcho.self, parameters: InPlaceEcho.parameters(overriding: overrides), taskCount: tasks)
}
