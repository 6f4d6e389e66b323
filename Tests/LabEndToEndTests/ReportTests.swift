import Foundation
import LabCore
import LabReport
import Testing

/// The files a run derives, `lab report` and `lab compare`, run as a user would.
@Suite struct ReportTests {
    static let derived = [
        "summary.csv", "chart.txt", "chart.svg", "report.md", "trace.json", "timeline-primes.svg", "timeline-sleep.svg",
    ]

    func quickRun(_ lab: LabBinary, out: String, extra: [String] = []) throws -> LabBinary.Outcome {
        try lab.run(
            [
                "run", "--quick", "--workloads", "primes,sleep", "--modes", "sequential,threads", "--workers", "2",
                "--repetitions", "3",
                "--warmup", "0", "--out", out, "--quiet",
            ] + extra)
    }

    func contents(_ lab: LabBinary, _ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in Self.derived {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: lab.folder + "/" + folder + "/" + name))
        }
        return files
    }

    @Test("a run writes run.json and the derived files; lab report rebuilds them byte for byte")
    func reportReproduces() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        #expect(try quickRun(lab, out: "run").status == 0)
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/run/run.json", encoding: .utf8))
        #expect(!description.partial)
        #expect(description.plan.workloads.map(\.name) == ["primes", "sleep"])
        #expect(description.machine.cores > 0 && description.machine.memoryKiB > 0)
        let written = try contents(lab, "run")
        for name in Self.derived { try FileManager.default.removeItem(atPath: lab.folder + "/run/" + name) }
        let outcome = try lab.run(["report", "run"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(try contents(lab, "run") == written)
        let report = String(decoding: written["report.md"]!, as: UTF8.self)
        #expect(report.contains("## primes (cpu)") && report.contains("| mode | workers | median wall | 95% CI |"))
        let svg = String(decoding: written["chart.svg"]!, as: UTF8.self)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
    }

    // A torn last line is no longer refused: it is left out with a warning (RunFolderSurvivalTests).
    @Test(
        "lab report refuses a broken results.csv and writes nothing",
        arguments: [
            ("short row", "\r\na,b\r\n"), ("short row before the last", "\r\na,b\r\n20261125T000000Z\r\n"),
        ])
    func reportRefuses(name: String, damage: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        #expect(try quickRun(lab, out: "run").status == 0)
        let path = lab.folder + "/run/results.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = String(text.dropLast(2)) + damage
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let before = try contents(lab, "run")
        let outcome = try lab.run(["report", "run"])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.hasPrefix("lab: invalid results file 'run/results.csv': "), "\(outcome.standardError)"
        )
        #expect(try contents(lab, "run") == before)
    }

    @Test(
        "lab compare refuses a run whose results.csv has a short row, lacks a column or has a non-number",
        arguments: [
            ("short row", "\r\na,b\r\n"), ("missing column", nil), ("not a number", "nan-marker"),
        ])
    func compareRefuses(name: String, damage: String?) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        #expect(try quickRun(lab, out: "a").status == 0)
        #expect(try quickRun(lab, out: "b").status == 0)
        let path = lab.folder + "/b/results.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        switch damage {
        case nil: text = text.replacingOccurrences(of: "wall_s", with: "wall")
        case "nan-marker"?: text = text.replacingOccurrences(of: ",sleep,io,", with: ",sleep,thread,")
        case let tail?: text = String(text.dropLast(2)) + tail
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try lab.run(["compare", "a", "b"])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.hasPrefix("lab: invalid results file 'b/results.csv': "), "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test("lab report and lab compare name a missing folder")
    func missingFolder() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let report = try lab.run(["report", "nowhere"])
        #expect(report.status == 2)
        #expect(
            report.standardError
                == "lab: no folder at 'nowhere'; name a run folder, such as Results/<run-id>, that holds results.csv and run.json\n"
        )
        let compare = try lab.run(["compare", "nowhere", "either"])
        #expect(compare.status == 2)
        #expect(try lab.run(["compare", "one"]).standardError.contains("needs two run folders or more"))
        #expect(lab.contents().isEmpty)
        // A folder that is there but holds no run is told apart from one that is not there.
        try FileManager.default.createDirectory(atPath: lab.folder + "/empty", withIntermediateDirectories: false)
        let empty = try lab.run(["report", "empty"])
        #expect(empty.status == 2)
        #expect(
            empty.standardError == "lab: cannot read 'empty/results.csv'; a run folder holds results.csv and run.json\n"
        )
    }

    @Test("lab compare pairs the cells of two runs and lists the ones found in only one")
    func compare() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        #expect(try quickRun(lab, out: "a").status == 0)
        #expect(try quickRun(lab, out: "b", extra: ["--order", "grouped"]).status == 0)
        let text = try lab.run(["compare", "a", "b"])
        #expect(text.status == 0)
        #expect(text.standardOutput.split(separator: "\n").count == 4)
        let csv = try CSV.parse(try lab.run(["compare", "a", "b", "--format", "csv"]).standardOutput)
        #expect(
            csv.first == [
                "workload", "params", "tasks", "mode", "workers", "transport", "variant", "baseline_median_s",
                "candidate_median_s", "ratio", "verdict",
            ])
        #expect(csv.count == 5)
        // A cell the rest of the machine disturbed (the suite's other tests) says so after its verdict.
        let verdicts = Set(csv.dropFirst().map { $0[10].components(separatedBy: " (disturbed: ")[0] })
        #expect(
            verdicts.allSatisfy {
                $0 == "no significant change" || $0.hasSuffix("x faster") || $0.hasSuffix("x slower")
                    || $0.hasPrefix("cannot tell: ")
            }, "\(verdicts)")
        // A run with fewer cells: the others are listed, not dropped.
        #expect(
            try lab.run([
                "run", "--quick", "--workloads", "sleep", "--modes", "sequential", "--repetitions", "2", "--warmup",
                "0", "--out", "c", "--quiet",
            ]).status == 0)
        let partial = try lab.run(["compare", "a", "c", "--format", "markdown"])
        #expect(partial.standardOutput.contains("- only in the baseline: primes sequential"))
        #expect(
            try lab.run(["compare", "a", "b", "--format", "yaml"]).standardError
                == "lab: invalid value 'yaml' for --format; expected one of: text, markdown, csv, json\n")
    }

    @Test(
        "lab compare --fail-if-slower: a real run against itself passes; with one cell's walls made 20% larger it fails on that cell and no other"
    )
    func failIfSlower() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // The committed reference run: a default run of a release build.
        let reference = ExampleTests.repository.appendingPathComponent("Results/reference").path
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: lab.folder + "/" + name, withIntermediateDirectories: false)
            for file in ["results.csv", "run.json"] {
                try FileManager.default.copyItem(
                    atPath: reference + "/" + file, toPath: lab.folder + "/" + name + "/" + file)
            }
        }
        // b: every wall time of primes sequential 20% larger; c (a third run, made as a baseline
        // of its own): the same cell 25% larger, as if the machine had been slower that time.
        func inflate(_ name: String, by factor: Double) throws {
            var rows = try CSV.parse(String(contentsOfFile: lab.folder + "/\(name)/results.csv", encoding: .utf8))
            let header = rows[0]
            let (workload, mode, wall) = (
                header.firstIndex(of: "workload")!, header.firstIndex(of: "mode")!, header.firstIndex(of: "wall_s")!
            )
            var inflated = 0
            for index in rows.indices.dropFirst()
            where rows[index][workload] == "primes" && rows[index][mode] == "sequential" {
                rows[index][wall] = String(Double(rows[index][wall])! * factor)
                inflated += 1
            }
            #expect(inflated == 5)
            try rows.map(CSV.record).joined().write(
                toFile: lab.folder + "/\(name)/results.csv", atomically: true, encoding: .utf8)
        }
        try FileManager.default.copyItem(atPath: lab.folder + "/a", toPath: lab.folder + "/c")
        try inflate("b", by: 1.2)
        try inflate("c", by: 1.25)

        let same = try lab.run(["compare", "a", "a", "--fail-if-slower", "10"])
        #expect(same.status == 0, "\(same.standardOutput)")
        #expect(same.standardOutput.contains("lab compare: no cell is slower than the baseline by more than 10%"))
        let slower = try lab.run(["compare", "a", "b", "--fail-if-slower", "10"])
        #expect(slower.status == 1)
        let gate = slower.standardOutput.components(separatedBy: "\n\nlab compare: ").last ?? ""
        #expect(
            gate.hasPrefix("1 of 48 cells is slower than the baseline by more than 10%"), "\(slower.standardOutput)")
        let failedCells = gate.split(separator: "\n").dropFirst(2).filter { !$0.hasPrefix("lab compare: note: ") }
        // Five repetitions a side over 48 cells: the intervals decide, and the note says why.
        #expect(
            gate.contains(
                "intervals\nlab compare: note: with 5 and 5 repetitions the rank test cannot decide alone over 48 cells"
            ), "\(gate)")
        #expect(
            failedCells.count == 1 && failedCells.first?.contains("primes sequential") == true
                && failedCells.first?.contains("1.20x") == true, "\(gate)")
        // Faster is never a failure; as CSV the table goes to standard error.
        #expect(try lab.run(["compare", "b", "a", "--fail-if-slower", "10"]).status == 0)
        let csv = try lab.run(["compare", "a", "b", "--fail-if-slower", "10", "--format", "csv"])
        #expect(
            csv.status == 1 && csv.standardError.contains("primes sequential")
                && !csv.standardOutput.contains("lab compare:"))
        // With a and c pooled as the baseline, the cell has been 25% slower before: b passes.
        let pooled = try lab.run(["compare", "a", "c", "b", "--fail-if-slower", "10"])
        #expect(pooled.status == 0, "\(pooled.standardOutput)")
        #expect(pooled.standardOutput.hasPrefix("baseline: 2 runs pooled cell by cell (a, c)\n"))
        #expect(pooled.standardOutput.contains("lab compare: no cell is slower than the baseline by more than 10%"))
        // A candidate without a cell of the baseline (a renamed workload) fails, unless allowed.
        var rows = try CSV.parse(String(contentsOfFile: lab.folder + "/a/results.csv", encoding: .utf8))
        let workloadColumn = try #require(rows[0].firstIndex(of: "workload"))
        rows.removeAll { $0[workloadColumn] == "sort" }
        try FileManager.default.createDirectory(atPath: lab.folder + "/d", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: lab.folder + "/a/run.json", toPath: lab.folder + "/d/run.json")
        try rows.map(CSV.record).joined().write(
            toFile: lab.folder + "/d/results.csv", atomically: true, encoding: .utf8)
        let missing = try lab.run(["compare", "a", "d", "--fail-if-slower", "10"])
        #expect(
            missing.status == 1
                && missing.standardOutput.contains(
                    "4 cells are in the baseline and not in the candidate, which fails the gate"),
            "\(missing.standardOutput)")
        #expect(missing.standardOutput.contains("sort sequential (count=400000, 8 tasks)"), "\(missing.standardOutput)")
        let allowed = try lab.run(["compare", "a", "d", "--fail-if-slower", "10", "--allow-missing"])
        #expect(
            allowed.status == 0 && allowed.standardOutput.contains("allowed (--allow-missing)"),
            "\(allowed.standardOutput)")
        // A gate of another metric alone fails on the missing cells too, as text and as JSON.
        #expect(try lab.run(["compare", "a", "d", "--fail-if", "faults>20%"]).status == 1)
        #expect(try lab.run(["compare", "a", "d", "--fail-if", "faults>20%", "--format", "json"]).status == 1)
        // Every metric a change can spoil: the workers' memory doubled in one cell fails its
        // gate and no other; a metric the candidate did not grow passes.
        var memory = try CSV.parse(String(contentsOfFile: lab.folder + "/a/results.csv", encoding: .utf8))
        let (workloadAt, modeAt, ussAt) = try (
            #require(memory[0].firstIndex(of: "workload")), #require(memory[0].firstIndex(of: "mode")),
            #require(memory[0].firstIndex(of: "workers_uss_kib"))
        )
        for index in memory.indices.dropFirst()
        where memory[index][workloadAt] == "sort" && memory[index][modeAt] == "processes" {
            memory[index][ussAt] = String(Int(memory[index][ussAt])! * 2)
        }
        try FileManager.default.createDirectory(atPath: lab.folder + "/e", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: lab.folder + "/a/run.json", toPath: lab.folder + "/e/run.json")
        try memory.map(CSV.record).joined().write(
            toFile: lab.folder + "/e/results.csv", atomically: true, encoding: .utf8)
        let doubled = try lab.run(["compare", "a", "e", "--fail-if", "workers_uss>10%", "--fail-if", "faults>20%"])
        #expect(doubled.status == 1, "\(doubled.standardOutput)")
        #expect(
            doubled.standardOutput.contains(
                "lab compare: 1 cell's workers_uss grew by more than 10%: sort processes x2: workers_uss "),
            "\(doubled.standardOutput)")
        #expect(
            doubled.standardOutput.contains("lab compare: no cell's faults grew by more than 20%"),
            "\(doubled.standardOutput)")
        #expect(
            try lab.run(["compare", "a", "a", "--fail-if", "workers_uss>10%", "--fail-if", "wall>10%"]).status == 0)
        let json = try lab.run(["compare", "a", "e", "--fail-if", "workers_uss>10%", "--format", "json"])
        #expect(
            json.status == 1 && json.standardOutput.contains("\"grown\" : [\n        \"sort processes x2\""),
            "\(json.standardOutput)")
        for (arguments, message) in [
            (
                ["--fail-if", "memory>10%"],
                "lab: invalid value 'memory>10%' for --fail-if; expected METRIC>PERCENT% with METRIC one of: wall, cpu, rss, workers_uss, faults, switches, waiting, such as workers_uss>10% and PERCENT from 0 to 1000\n"
            ),
            (
                ["--fail-if", "wall>5%", "--fail-if-slower", "5"],
                "lab: --fail-if wall>... and --fail-if-slower both set the wall time's threshold; give one\n"
            ),
            (
                ["--fail-if", "cpu>5%", "--fail-if", "cpu>9%"],
                "lab: --fail-if cpu is given more than once; give each metric once\n"
            ),
        ] {
            let refused = try lab.run(["compare", "a", "e"] + arguments)
            #expect(refused.status == 2 && refused.standardError == message, "\(refused.standardError)")
        }
        let bad = try lab.run(["compare", "a", "b", "--fail-if-slower", "-5"])
        #expect(
            bad.status == 2
                && bad.standardError
                    == "lab: invalid value '-5' for --fail-if-slower; expected a number from 0 to 1000\n"
        )
    }

    @Test("--order grouped runs each cell's repetitions back to back")
    func groupedOrder() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        #expect(try quickRun(lab, out: "run", extra: ["--order", "grouped"]).status == 0)
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8))
        #expect(records.prefix(3).allSatisfy { $0.workload == "primes" && $0.mode == .sequential })
        #expect(records.prefix(3).map(\.repetition) == [1, 2, 3])
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/run/run.json", encoding: .utf8))
        #expect(description.plan.order == "grouped")
    }

    @Test("--format json prints the summary with summary.csv's names")
    func json() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try quickRun(lab, out: "run", extra: ["--format", "json"])
        #expect(outcome.status == 0)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let cells = try #require(document["cells"] as? [[String: String]])
        #expect(cells.count == 4)
        #expect(Set(cells[0].keys) == Set(SummaryColumn.header))
    }
}
