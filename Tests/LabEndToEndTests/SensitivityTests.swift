import Foundation
import Testing

/// `lab sensitivity`: measures a run and says how often the gate is wrong at each count.
@Suite struct SensitivityTests {
    @Test("lab sensitivity measures twice the largest count and prints the table as JSON; a folder too short for a count is bad input")
    func measured() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "sensitivity", "--workloads", "noop", "--modes", "sequential,threads", "--quick", "--warmup", "0", "--repetitions", "2,4", "--out", "s",
            "--format", "json", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any], "\(outcome.standardOutput)")
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["repetitions"] as? Int } == [2, 4])
        #expect(rows.allSatisfy { ($0["false_alarm_rate"] as? Double).map { (0...1).contains($0) } == true })
        #expect(object["repetitions_measured"] as? Int == 8 && object["cells"] as? Int == 2)
        let short = try lab.run(["sensitivity", "s", "--repetitions", "5"])
        #expect(short.status == 2 && short.standardError.contains("has 8 repetitions of its fewest-measured cell"), "\(short.standardError)")
        let bad = try lab.run(["sensitivity", "--workloads", "prims"])
        #expect(bad.status == 2 && bad.standardError.hasPrefix("lab: unknown workload 'prims'"), "\(bad.standardError)")
        #expect(try lab.markedProcesses().isEmpty)
    }
}
