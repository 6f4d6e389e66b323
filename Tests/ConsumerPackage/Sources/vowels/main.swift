import Glibc
import LabCore
import LabReport

/// A workload of this package's own: counts the vowels of a text that each task builds.
struct CountVowels: Workload {
    static let name = "vowels"
    static let kind = WorkloadKind.cpu
    static let summary = "counts the vowels of a generated text"
    static let parameters = [
        ParameterSpec(
            name: "letters", type: .integer(1...100_000_000), defaultValue: "2000000", quickValue: "20000", unit: "count",
            summary: "letters of text per task")
    ]

    static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let letters: Int

    init(parameters: Parameters, taskCount: Int) {
        letters = parameters.integer("letters")
    }

    func run(task index: Int, input: [UInt8]) -> TaskOutput {
        var random = DeterministicRandom(seed: UInt64(index) &+ 1)
        var vowels: UInt64 = 0
        var checksum = Checksum()
        for _ in 0..<letters {
            let letter = UInt8(97 + random.next() % 26)
            if "aeiou".utf8.contains(letter) { vowels += 1 }
        }
        // The checksum depends on what was counted, so the optimiser cannot drop the loop.
        checksum.combine(UInt64(index))
        checksum.combine(vowels)
        return TaskOutput(checksum: checksum.value, units: UInt64(letters))
    }
}

let registry = WorkloadRegistry([CountVowels.self])
let arguments = Array(CommandLine.arguments.dropFirst())

// The engine starts this same binary as its worker processes, with the arguments it is given.
if arguments.first == "worker" {
    do {
        try WorkerService(registry: registry).runAsChildProcess()
        exit(0)
    } catch {
        try? Platform.writeAll(STDERR_FILENO, Array("vowels worker: \(error)\n".utf8))
        exit(1)
    }
}

do {
    Platform.ignoreSignal(SIGPIPE)
    let parameters = try CountVowels.parameters(quick: arguments.contains("--quick"))
    let workload = try ConfiguredWorkload(type: CountVowels.self, parameters: parameters)
    let plan = ExperimentPlan(workloads: [workload], modes: ExecutionMode.allCases, workerCounts: [2], repetitions: 3, warmup: 1)
    let runner = ExperimentRunner(
        runID: "vowels", workerCommand: WorkerCommand(executablePath: try Platform.executablePath(), arguments: ["worker"]))
    let records = try runner.run(plan) { _ in }
    // Every mode must have done the same work before any speedup means anything.
    try ChecksumProof.check(records)
    print(AsciiChart().render(CellSummary.summarize(records)), terminator: "")
    print("checksum \(records[0].checksum.map(Checksum.hex) ?? "none") in all \(records.count) repetitions")
} catch {
    try? Platform.writeAll(STDERR_FILENO, Array("vowels: \(error)\n".utf8))
    exit(1)
}
