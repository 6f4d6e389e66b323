import Foundation
import Glibc
import LabCore
import LabReport
import Testing

/// `--resume`: a run stopped part-way goes on in its folder and ends with exactly the plan's
/// rows; a resumption that would mix incomparable numbers is refused before anything is written.
@Suite struct ResumeTests {
    /// Six cells of short repetitions (sleep's make the run last long enough to stop it
    /// part-way): 24 measured repetitions, 6 warm-ups.
    static let plan = [
        "--workloads", "sleep,noop", "--modes", "sequential,threads,processes", "--workers", "2", "--set",
        "sleep.seconds=0.05",
        "--tasks", "4", "--repetitions", "4", "--warmup", "1",
    ]
    static let plannedRows = 24

    /// The data rows of a CSV file, header left out.
    static func rows(_ path: String) throws -> [[String]] {
        Array(try CSV.parse(String(contentsOfFile: path, encoding: .utf8)).dropFirst())
    }

    /// Each repetition's rows in tasks.csv or lanes.csv, as the runs of consecutive rows that
    /// name it: a repetition written twice shows up as two runs.
    static func timelineRuns(_ path: String) throws -> [String] {
        var runs: [String] = []
        for row in try rows(path) {
            let key = row[0..<7].joined(separator: "|")
            if runs.last != key { runs.append(key) }
        }
        return runs
    }

    /// Every file of a folder, by name, with its bytes.
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return files
    }

    @Test(
        "a run stopped part-way by SIGINT or SIGKILL, then resumed, has exactly the plan's rows in the plan's order, and lab report rebuilds its files byte for byte",
        arguments: [SIGINT, SIGKILL])
    func stopAndResume(signal: Int32) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let started = try lab.start(["run"] + Self.plan + ["--out", "run", "--quiet"])
        let results = lab.folder + "/run/results.csv"
        // Stop it once a third of the rows are in (and before the last).
        let partWay = lab.wait(seconds: 60) { ((try? Self.rows(results)) ?? []).count >= 8 }
        #expect(partWay)
        kill(started.process.processIdentifier, signal)
        let stopped = try lab.finish(started)
        if signal == SIGINT { #expect(stopped.status == 130, "\(stopped.standardError)") }
        #expect(try lab.wait(seconds: 5) { try lab.markedProcesses().isEmpty })
        let kept = try RunFolder(path: lab.folder + "/run").records()
        try #require(kept.count < Self.plannedRows, "the run ended before it was stopped; nothing to resume")
        #expect(try RunFolder(path: lab.folder + "/run").runDescription().partial)

        let resumed = try lab.run(["run", "--resume", "run"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try lab.markedProcesses().isEmpty)
        let folder = RunFolder(path: lab.folder + "/run")
        let records = try folder.records()
        // Exactly the plan: every cell's repetitions 1 to 4, each once, the rows kept as they were.
        #expect(records.count == Self.plannedRows)
        #expect(Set(records.map(RepetitionKey.init)).count == Self.plannedRows)
        #expect(Set(records.map(\.repetition)) == [1, 2, 3, 4])
        #expect(Array(records.prefix(kept.count)) == kept)
        // In the plan's order: interleaved positions only grow, and the new rows run on the run's clock.
        #expect(records.map(\.position) == records.map(\.position).sorted())
        #expect(Set(records.map(\.position)).count == records.count)
        #expect(
            records.dropFirst(kept.count).allSatisfy {
                $0.startSeconds >= (kept.last.map { $0.startSeconds + $0.wallSeconds } ?? 0)
            })
        #expect(records.allSatisfy { $0.runID == kept[0].runID })
        // Each repetition's timeline once, and only for repetitions results.csv has.
        for name in ["tasks.csv", "lanes.csv"] {
            let runs = try Self.timelineRuns(lab.folder + "/run/" + name)
            #expect(runs.count == Self.plannedRows, "\(name): \(runs.count) runs")
            #expect(Set(runs).count == runs.count, "\(name) has a repetition twice")
        }
        #expect(try folder.timelines().map { Set($0.keys) } == Set(records.map(RepetitionKey.init)))
        // Warm-ups ran again before the first measured repetition of each cell taken up, and only there.
        let progress = resumed.standardError.split(separator: "\n")
        let keptKeys = Set(kept.map(RepetitionKey.init))
        let cellsTakenUp = Set(
            records.filter { !keptKeys.contains(RepetitionKey($0)) }.map { "\($0.workload) \($0.cellLabel)" })
        let warmups = progress.filter { $0.hasSuffix(", warm-up 1") }.map {
            $0.split(separator: "] ", maxSplits: 1).last.map { String($0.dropLast(", warm-up 1".count)) } ?? ""
        }
        #expect(Set(warmups) == cellsTakenUp, "\(resumed.standardError)")
        for cell in cellsTakenUp {
            let warmup = progress.firstIndex { $0.hasSuffix("] \(cell), warm-up 1") }
            let measured = progress.firstIndex { $0.contains("] \(cell), repetition ") }
            #expect(warmup != nil && measured != nil && warmup! < measured!, "\(cell): \(resumed.standardError)")
        }
        // run.json: finished, with the resumption recorded.
        let description = try folder.runDescription()
        #expect(!description.partial)
        let resumption = try #require(description.resumptions?.first)
        #expect(description.resumptions?.count == 1)
        #expect(resumption.kept == kept.count)
        #expect(resumption.missing == Self.plannedRows - kept.count)
        #expect(resumption.endedAt != nil)
        #expect(try String(contentsOfFile: lab.folder + "/run/report.md", encoding: .utf8).contains("**Resumed** once"))
        // lab report on a copy writes what the resumed run wrote, byte for byte.
        try FileManager.default.copyItem(atPath: lab.folder + "/run", toPath: lab.folder + "/copy")
        let report = try lab.run(["report", "copy"])
        #expect(report.status == 0, "\(report.standardError)")
        let original = try Self.snapshot(lab.folder + "/run")
        let rebuilt = try Self.snapshot(lab.folder + "/copy")
        #expect(original.keys.sorted() == rebuilt.keys.sorted())
        for (name, bytes) in original {
            #expect(rebuilt[name] == bytes, "\(name) differs after lab report")
        }
        // And once finished, there is nothing left to resume.
        let again = try lab.run(["run", "--resume", "run"])
        #expect(again.status == 0)
        #expect(again.standardOutput.hasPrefix("lab: nothing to resume"))
        #expect(try Self.snapshot(lab.folder + "/run") == original)
    }

    @Test(
        "a resumption with another plan, another lab, another machine, another command or a second folder is refused with exit 2, one line, and nothing written"
    )
    func refusals() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let made = try lab.run([
            "run", "--workloads", "noop", "--quick", "--repetitions", "2", "--warmup", "0", "--workers", "2", "--out",
            "run", "--quiet",
        ])
        #expect(made.status == 0, "\(made.standardError)")
        // As if it had been stopped two rows before its end.
        try lab.cutShort("run", droppingRows: 2)
        let description = try RunFolder(path: lab.folder + "/run").runDescription()

        func refused(
            _ arguments: [String], folder: String = "run", saying expected: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let before = try Self.snapshot(lab.folder + "/" + folder)
            let outcome = try lab.run(arguments)
            #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
            #expect(
                outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)",
                sourceLocation: sourceLocation)
            #expect(
                outcome.standardError.contains(expected), "\(outcome.standardError)", sourceLocation: sourceLocation)
            #expect(
                try Self.snapshot(lab.folder + "/" + folder) == before, "\(arguments) wrote into the folder",
                sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: lab.folder + "/other"), sourceLocation: sourceLocation)
        }
        try refused(["run", "--resume", "run", "--repetitions", "3"], saying: "repetitions: 2 in the folder, 3 now")
        try refused(["run", "--resume", "run", "--tasks", "100"], saying: "noop tasks: 2000 in the folder, 100 now")
        try refused(["run", "--resume", "run", "--out", "other"], saying: "--out cannot be given with it")
        try refused(
            ["scale", "--resume", "run"], saying: "was made by 'lab run'; resume it with 'lab run --resume run'")
        try refused(["run", "--resume", "nowhere"], saying: "no folder at 'nowhere'")
        // Another lab and another machine: a copy whose run.json says so.
        for (name, change, expected) in [
            (
                "version", { (text: inout RunDescription) in text.labVersion = "0.6.0" },
                "lab version: 0.6.0 in the folder"
            ),
            (
                "commit", { (text: inout RunDescription) in text.gitCommit = "0123456789abcdef" },
                "git commit: 0123456789abcdef in the folder"
            ),
            (
                "machine", { (text: inout RunDescription) in text.machine.cores += 2 },
                "cores: \(description.machine.cores + 2) in the folder"
            ),
        ] as [(String, (inout RunDescription) -> Void, String)] {
            try FileManager.default.copyItem(atPath: lab.folder + "/run", toPath: lab.folder + "/" + name)
            var changed = description
            change(&changed)
            try RunFolder(path: lab.folder + "/" + name).write(changed)
            try refused(["run", "--resume", name], folder: name, saying: expected)
        }
        // Restating the folder's plan is no other plan: the dry run says what is left.
        let restated = try lab.run(["run", "--resume", "run", "--workloads", "noop", "--repetitions", "2", "--dry-run"])
        #expect(restated.status == 0, "\(restated.standardError)")
        #expect(restated.standardOutput.contains("2 repetitions of 8 to measure, 6 kept"), "\(restated.standardOutput)")
    }

    @Test("lab scale and lab crossover resume too: the curve of the resumed folder has every point of the whole one")
    func studies() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let scale = try lab.run([
            "scale", "--workload", "noop", "--quick", "--workers", "1,2", "--repetitions", "2", "--out", "scale",
            "--quiet",
        ])
        #expect(scale.status == 0, "\(scale.standardError)")
        let crossover = try lab.run([
            // No bisection: where a scan bisects depends on which pool was faster at these
            // microsecond sizes, noise that the resumed half measures again (a resumed scan
            // once found no crossing to bisect and had 18 rows of the whole one's 24).
            "crossover", "--workload", "primes", "--param", "limit", "--from", "1000", "--to", "4000", "--repetitions",
            "2", "--bisections", "0",
            "--out", "cross", "--quiet",
        ])
        #expect(crossover.status == 0, "\(crossover.standardError)")
        for (command, folder, curve) in [("scale", "scale", "scale.csv"), ("crossover", "cross", "crossover.csv")] {
            let path = lab.folder + "/" + folder
            let whole = try RunFolder(path: path).records()
            let wholeCurve = try Self.rows(path + "/" + curve).map { $0.prefix(2) }
            // Stopped after half its rows, as an interrupted study leaves its folder.
            try lab.cutShort(folder, droppingRows: whole.count - whole.count / 2)
            let resumed = try lab.run([command, "--resume", folder, "--quiet"])
            #expect(resumed.status == 0, "\(command): \(resumed.standardError)")
            let records = try RunFolder(path: path).records()
            #expect(records.count == whole.count, "\(command)")
            #expect(Set(records.map(RepetitionKey.init)) == Set(whole.map(RepetitionKey.init)), "\(command)")
            #expect(try Self.rows(path + "/" + curve).map { $0.prefix(2) } == wholeCurve, "\(command)")
            #expect(try RunFolder(path: path).runDescription().resumptions?.count == 1)
        }
    }
}
