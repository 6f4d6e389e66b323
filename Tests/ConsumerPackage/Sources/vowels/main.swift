import LabCommandLine
import LabCore

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

// The whole lab command line with this package's workload added: `vowels run`, `vowels scale
// --workload vowels`, `vowels explain Results/<run-id>`, and so on. This binary is also the
// worker processes (the engine starts it as `vowels worker`), so this is its first statement.
LabCommandLine.main(adding: [CountVowels.self])
