import Foundation
import Testing

/// `lab sensitivity`: measures a run and says how often the gate is wrong at each count.
@Suite struct SensitivityTests {
    @Test(
        "lab sensitivity measures twice the largest count and prints the table as JSON; a folder too short for a count is bad input"
    )
    func measured() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "sensitivity", "--workloads", "noop", "--modes", "sequential,threads", "--quick", "--warmup", "0",
            "--repetitions", "2,4", "--out", "s",
            "--format", "json", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any],
            "\(outcome.standardOutput)")
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["repetitions"] as? Int } == [2, 4])
        #expect(rows.allSatisfy { ($0["false_alarm_rate"] as? Double).map { (0...1).contains($0) } == true })
        #expect(object["repetitions_measured"] as? Int == 8 && object["cells"] as? Int == 2)
        let short = try lab.run(["sensitivity", "s", "--repetitions", "5"])
        #expect(
            short.status == 2 && short.standardError.contains("s has 8 repetitions of its fewest-measured cell"),
            "\(short.standardError)")
        // Two runs: the same folder twice draws the same repetitions on both sides, never a
        // false alarm; a lab ab folder holds its two sides.
        let twice = try lab.run(["sensitivity", "s", "s", "--repetitions", "2,4,8", "--format", "json"])
        let pairObject = try #require(
            try JSONSerialization.jsonObject(with: Data(twice.standardOutput.utf8)) as? [String: Any],
            "\(twice.standardOutput)\(twice.standardError)")
        let pairRows = try #require(pairObject["rows"] as? [[String: Any]])
        #expect(
            pairRows.map { $0["repetitions"] as? Int } == [2, 4, 8]
                && pairRows.allSatisfy { $0["false_alarm_rate"] as? Double == 0 }, "\(pairRows)")
        #expect(pairObject["candidate_folder"] as? String == "s")
        for side in ["baseline", "candidate"] {
            try FileManager.default.createDirectory(atPath: lab.folder + "/ab", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: lab.folder + "/s", toPath: lab.folder + "/ab/" + side)
        }
        let ab = try lab.run(["sensitivity", "ab", "--repetitions", "4"])
        #expect(
            ab.status == 0
                && ab.standardOutput.contains(
                    "from 8 repetitions of 2 cells (draws of the same repetitions from two runs, baseline and candidate)"
                ),
            "\(ab.standardOutput)\(ab.standardError)")
        let pairShort = try lab.run(["sensitivity", "ab/baseline", "ab/candidate", "--repetitions", "9"])
        #expect(
            pairShort.status == 2
                && pairShort.standardError.contains("share 8 repetition numbers measured in every cell they share"),
            "\(pairShort.standardError)")
        let three = try lab.run(["sensitivity", "s", "s", "s"])
        #expect(three.status == 2, "\(three.standardError)")
        let bad = try lab.run(["sensitivity", "--workloads", "prims"])
        #expect(bad.status == 2 && bad.standardError.hasPrefix("lab: unknown workload 'prims'"), "\(bad.standardError)")
        #expect(try lab.markedProcesses().isEmpty)
    }
}
