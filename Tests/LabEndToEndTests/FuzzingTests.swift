import Foundation
import Testing

/// What Scripts/README.md says of fuzzing, run: the replay of the corpus, a seed packed from
/// a real folder, and the script's refusal of a bad argument. (The fuzzing itself needs a
/// release build with libFuzzer and minutes of time: `Scripts/fuzz.sh`, run by hand.)
@Suite struct FuzzingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func run(
        _ executable: String, _ arguments: [String], in folder: String
    ) throws -> (status: Int32, output: String, error: String) {
        try LabBinary.runProgram(executable, arguments, in: folder)
    }

    static var fuzzer: String { (LabBinary.path as NSString).deletingLastPathComponent + "/lab-fuzz" }

    @Test(
        "lab-fuzz replays the corpus (seeds read, crafted folders refused) and packs a real folder into a seed that reads"
    )
    func replayAndPack() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let corpus = Self.repository.appendingPathComponent("Tests/FolderCorpus").path
        let replay = try Self.run(Self.fuzzer, [corpus], in: lab.folder)
        #expect(replay.status == 0, "\(replay.error)")
        let lines = replay.output.split(separator: "\n")
        #expect(lines.filter { $0.contains("/seed-") }.allSatisfy { $0.hasSuffix(": read") }, "\(replay.output)")
        #expect(lines.filter { $0.contains("/crafted-") }.allSatisfy { !$0.hasSuffix(": read") }, "\(replay.output)")
        let packed = try Self.run(
            Self.fuzzer, ["pack", Self.repository.appendingPathComponent("Results/reference").path, "30", "seed-mine"],
            in: lab.folder)
        #expect(packed.status == 0, "\(packed.error)")
        let size = try #require(
            try FileManager.default.attributesOfItem(atPath: lab.folder + "/seed-mine")[.size] as? Int)
        #expect(size > 1000 && size < 100_000, "\(size)")
        let again = try Self.run(Self.fuzzer, ["seed-mine"], in: lab.folder)
        #expect(again.output == "seed-mine: read\n", "\(again.output)")
    }

    @Test(
        "Scripts/fuzz.sh refuses a time that is not a number of seconds, in one line, exit 2, before it builds anything"
    )
    func scriptRefuses() throws {
        let outcome = try Self.run(
            "/bin/bash", [Self.repository.appendingPathComponent("Scripts/fuzz.sh").path, "ten"],
            in: NSTemporaryDirectory())
        #expect(outcome.status == 2)
        #expect(outcome.error == "fuzz.sh: 'ten' is not a number of seconds; usage: Scripts/fuzz.sh [SECONDS]\n")
    }
}
