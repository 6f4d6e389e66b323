import Foundation
import LabCore
import LabReport
import Testing

/// The timeline files of a run (tasks.csv, lanes.csv, trace.json) and `lab explain`, as a
/// user meets them.
@Suite struct ExplainTests {
    /// A quick run of three workloads in every mode, the timeline's checks share it.
    func quickRun(_ lab: LabBinary) throws {
        let outcome = try lab.run([
            "run", "--quick", "--workloads", "noop,sleep,digest", "--repetitions", "2", "--warmup", "0", "--out", "run",
            "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
    }

    @Test(
        "on every cell of a quick run of every workload: the parts cover the wall time within 2%, every task is in tasks.csv once and in trace.json once, lanes.csv has each worker's life"
    )
    func everyTaskOnce() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run(["run", "--quick", "--repetitions", "2", "--warmup", "0", "--out", "run", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let folder = RunFolder(path: lab.folder + "/run")
        let records = try folder.records()
        let timelines = try #require(try folder.timelines())
        let workloads = Set(records.map(\.workload))
        #expect(workloads.count >= 12 && records.count == workloads.count * 4 * 2)
        for record in records {
            let parts = try #require(record.breakdown, "\(record.workload) \(record.mode)")
            let placed = parts.totalSeconds - parts.residualSeconds
            #expect(
                abs(record.wallSeconds - placed) <= 0.02 * record.wallSeconds,
                "\(record.workload) \(record.mode): \(parts)")
            let timeline = try #require(
                timelines[RepetitionKey(record)], "\(record.workload) \(record.mode) \(record.repetition)")
            var covered = [Int](repeating: 0, count: record.tasks)
            for span in timeline.spans {
                for index in span.firstTask..<(span.firstTask + span.taskCount) { covered[index] += 1 }
                #expect(span.claimed <= span.started && span.started <= span.ended && span.ended <= span.received)
            }
            #expect(covered.allSatisfy { $0 == 1 }, "\(record.workload) \(record.mode) repetition \(record.repetition)")
            if record.mode == .processes {
                // Each of the 2 workers: asked for, ready, asked to finish, gone, in that order.
                for lane in 0..<2 {
                    let life = timeline.events.filter { $0.lane == lane && $0.processID != nil }.map(\.event)
                    #expect(life == ["spawn", "spawned", "worker_ready", "finish_requested", "worker_gone"], "\(life)")
                }
            }
        }

        // trace.json is JSON of the Trace Event Format, and has every task once per repetition.
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/trace.json"))
        let trace = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(trace["traceEvents"] as? [[String: Any]])
        var cellOfProcess: [Int: String] = [:]
        for event in events where event["ph"] as? String == "M" && event["name"] as? String == "process_name" {
            cellOfProcess[event["pid"] as! Int] = (event["args"] as! [String: Any])["name"] as? String
        }
        #expect(cellOfProcess.count == workloads.count * 4)
        var taskCount: [String: Int] = [:]
        for event in events where event["cat"] as? String == "task" {
            #expect(event["ph"] as? String == "X" && event["ts"] is Double && event["dur"] is Double)
            let args = try #require(event["args"] as? [String: Any])
            let cell = try #require(cellOfProcess[event["pid"] as! Int])
            let repetition = try #require(args["repetition"] as? Int)
            let first = try #require(args["first_task"] as? Int)
            let count = try #require(args["tasks"] as? Int)
            for index in first..<(first + count) { taskCount["\(cell) #\(repetition) task \(index)", default: 0] += 1 }
        }
        #expect(taskCount.count == records.reduce(0) { $0 + $1.tasks })
        #expect(taskCount.values.allSatisfy { $0 == 1 })
        #expect(events.contains { $0["name"] as? String == "worker start-up" })
    }

    @Test(
        "lab report rebuilds tasks-derived files byte for byte; lab explain says who won and why with the run's numbers"
    )
    func reportAndExplain() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        try quickRun(lab)
        let derived = [
            "summary.csv", "report.md", "trace.json", "timeline-noop.svg", "timeline-sleep.svg", "timeline-digest.svg",
        ]
        func read() throws -> [String: Data] {
            try Dictionary(
                uniqueKeysWithValues: derived.map {
                    ($0, try Data(contentsOf: URL(fileURLWithPath: lab.folder + "/run/" + $0)))
                })
        }
        let written = try read()
        for name in derived { try FileManager.default.removeItem(atPath: lab.folder + "/run/" + name) }
        #expect(try lab.run(["report", "run"]).status == 0)
        #expect(try read() == written)
        let report = String(decoding: written["report.md"]!, as: UTF8.self)
        #expect(
            report.contains("### Where the time went: digest")
                && report.contains("![timeline of the median repetition of each digest cell](timeline-digest.svg)"))

        let summary = try CSV.parse(String(decoding: written["summary.csv"]!, as: UTF8.self))
        let header = try #require(summary.first)
        for row in summary.dropFirst() {
            func value(_ column: String) -> Double? { Double(row[header.firstIndex(of: column)!]) }
            let parts = [
                "part_startup_s", "part_work_s", "part_exchange_s", "part_idle_s", "part_teardown_s", "part_residual_s",
            ]
            let sum = parts.compactMap(value).reduce(0, +)
            let wall = try #require(value("wall_median_s"))
            #expect(abs(sum - wall) <= 2e-6 * Double(parts.count), "\(row)")
            #expect(value("task_slowdown") != nil)
        }

        let explained = try lab.run(["explain", "run"])
        #expect(explained.status == 0, "\(explained.standardError)")
        for workload in ["noop", "sleep", "digest"] { #expect(explained.standardOutput.contains("\(workload) (")) }
        // Every cell but the fastest is compared with it: with reasons and shares, or called
        // noise (which depends on the machine; the sentences themselves are unit-tested).
        let lines = explained.standardOutput.split(separator: "\n")
        // One winner per workload, or a tie named as one when the intervals cannot tell.
        let winners = ["  Fastest: ", "  Fastest, tied: ", "  No mode beat sequential beyond the noise: "]
        #expect(
            lines.filter { line in winners.contains { line.hasPrefix($0) } }.count == 3, "\(explained.standardOutput)")
        let comparisons = lines.filter { $0.contains(" took ") && $0.contains(" times as long as ") }
        #expect(comparisons.count == 3 * 3, "\(explained.standardOutput)")
        #expect(
            comparisons.allSatisfy {
                $0.contains("% of its time (") || $0.contains("within the noise (95% intervals: ")
            })

        let drawn = try lab.run(["explain", "run", "--workload", "sleep", "--timeline", "processes"])
        #expect(drawn.status == 0)
        #expect(!drawn.standardOutput.contains("digest ("))
        #expect(
            drawn.standardOutput.contains("  worker 1 |s") && drawn.standardOutput.contains("  worker 2 |s"),
            "\(drawn.standardOutput)")

        let unknown = try lab.run(["explain", "run", "--workload", "primes"])
        #expect(unknown.status == 2)
        #expect(
            unknown.standardError
                == "lab: invalid value 'primes' for --workload; expected a workload of this run: noop, sleep, digest\n")
    }

    @Test("lab explain on a run without per-task data (lab 0.3.0) says who won and that it cannot say why")
    func olderRun() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        try quickRun(lab)
        // Make it look like a run of lab 0.3.0: no timeline files, no breakdown columns.
        let path = lab.folder + "/run"
        try FileManager.default.removeItem(atPath: path + "/tasks.csv")
        try FileManager.default.removeItem(atPath: path + "/lanes.csv")
        let rows = try CSV.parse(String(contentsOfFile: path + "/results.csv", encoding: .utf8))
        let keep = rows[0].indices.filter { !ResultColumn.breakdownColumns.map(\.rawValue).contains(rows[0][$0]) }
        try rows.map { row in CSV.record(keep.map { row[$0] }) }.joined().write(
            toFile: path + "/results.csv", atomically: true, encoding: .utf8)

        let explained = try lab.run(["explain", "run", "--workload", "digest"])
        #expect(explained.status == 0, "\(explained.standardError)")
        #expect(
            explained.standardOutput.contains("Fastest: ") || explained.standardOutput.contains("Fastest, tied: ")
                || explained.standardOutput.contains("No mode beat sequential"))
        #expect(
            explained.standardOutput.contains(
                "This run has no breakdown of its times (no timeline: it was made by lab 0.3.0 or older"))
        let drawn = try lab.run(["explain", "run", "--timeline", "threads"])
        #expect(drawn.status == 2)
        #expect(
            drawn.standardError.hasPrefix("lab: run has no tasks.csv and lanes.csv (a run by lab 0.3.0 or older)"),
            "\(drawn.standardError)")
        // lab report still rebuilds what such a run has.
        #expect(try lab.run(["report", "run"]).status == 0)
    }
}
