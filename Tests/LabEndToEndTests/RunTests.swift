import Foundation
import LabCore
import LabReport
import Testing
import Workloads

@Suite struct RunTests {
    @Test(
        "--pin compact pins sequential, thread and process cells (async cells are never pinned) and says so in every file"
    )
    func pinned() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--quick", "--workloads", "primes", "--pin", "compact", "--repetitions", "1", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let folder = RunFolder(path: lab.folder + "/run")
        let records = try folder.records()
        #expect(records.count == 4 && records.allSatisfy { $0.status == .ok })
        #expect(
            records.allSatisfy { $0.placement == ($0.mode == .async ? .none : .compact) }, "\(records.map(\.placement))"
        )
        #expect(try folder.runDescription().plan.pin == "compact")
        let summary = try CSV.parse(String(contentsOfFile: folder.path + "/summary.csv", encoding: .utf8))
        let column = try #require(summary.first?.firstIndex(of: "pin"))
        #expect(summary.dropFirst().map { $0[column] } == ["compact", "compact", "compact", "none"])
    }

    @Test("every mode gives the same checksum, results.csv has the documented columns, no worker is left")
    func modesAgree() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--quick", "--workloads", "primes,sleep", "--workers", "1,2", "--repetitions", "2", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // --quiet leaves only warnings on standard error: the debug build's, and noisy cells'.
        #expect(
            outcome.standardError.split(separator: "\n").allSatisfy { $0.hasPrefix("lab: warning: ") },
            "\(outcome.standardError)")
        let summary = try CSV.parse(String(contentsOfFile: lab.folder + "/run/summary.csv", encoding: .utf8))
        #expect(summary.count == 1 + 2 * 7)

        let text = try String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8)
        let rows = try CSV.parse(text)
        // The documented columns in their order: ResultsFileTests pins ResultColumn.header to them.
        #expect(rows.first == ResultColumn.header)
        let records = try ResultsFileReader.records(fromCSV: text)
        // What the machine did is in every row, never negative: faults and switches of both
        // sides, the lanes of every mode but async (whose tasks run on threads not theirs),
        // the workers' memory, and what the rest of the machine took.
        for record in records {
            let counters = record.counters
            let counts = [
                counters.coordinatorMinorFaults, counters.coordinatorMajorFaults, counters.workersMinorFaults,
                counters.workersMajorFaults,
                counters.workersVoluntaryContextSwitches, counters.workersInvoluntaryContextSwitches,
                counters.coordinatorVoluntaryContextSwitches, counters.coordinatorInvoluntaryContextSwitches,
            ]
            #expect(counts.allSatisfy { ($0 ?? -1) >= 0 }, "\(record.cellLabel): \(counters)")
            let interference = try #require(counters.interference)
            #expect(
                interference.othersCPUSeconds >= 0 && interference.stealSeconds >= 0
                    && (interference.pressureSeconds ?? 0) >= 0)
            let memory = try #require(counters.workersMemory)
            // The lab's main thread and, on threads, the pool's.
            let threads = try #require(counters.coordinatorPeakThreads, "\(record.cellLabel)")
            #expect(threads >= (record.mode == .threads ? record.workers + 1 : 1), "\(record.cellLabel): \(threads)")
            if record.mode == .async {
                #expect(counters.lanes == nil)
            } else {
                let lanes = try #require(counters.lanes, "\(record.cellLabel)")
                #expect(
                    lanes.runningSeconds > 0 && lanes.waitingSeconds >= 0 && lanes.migrations >= 0,
                    "\(record.cellLabel): \(lanes)")
            }
            if record.mode == .processes {
                // A worker is a process of its own: it faults its pages in, and owns some. (It
                // need not switch: its frames may always be waiting when it reads.)
                #expect((counters.workersMinorFaults ?? 0) > 0)
                #expect(
                    memory.residentKiB >= memory.proportionalKiB && memory.proportionalKiB >= memory.uniqueKiB
                        && memory.uniqueKiB > 0)
            } else {
                #expect(memory == MemoryFootprint() && counters.workersMinorFaults == 0)
            }
        }
        // 2 workloads x (sequential + threads, processes and async at x1 and x2) x 2 repetitions.
        #expect(records.count == 2 * 7 * 2)
        #expect(records.allSatisfy { $0.status == .ok && $0.error == nil && $0.wallSeconds > 0 })
        for workload in ["primes", "sleep"] {
            let mine = records.filter { $0.workload == workload }
            #expect(Set(mine.map(\.mode)) == Set(ExecutionMode.allCases))
            #expect(Set(mine.map(\.checksum)).count == 1, "\(workload): \(mine.map(\.checksum))")
            #expect(mine.allSatisfy { $0.checksum != nil })
            // Every mode did the same units of work, and some.
            #expect(
                Set(mine.map(\.units)).count == 1 && (mine.first?.units ?? 0) > 0, "\(workload): \(mine.map(\.units))")
        }
        #expect(
            records.filter { $0.mode == .processes }.allSatisfy {
                $0.startupSeconds > 0 && $0.startupSeconds < $0.wallSeconds
            })
        // Sequential has no pool: its start-up is the moment until the coordinator claims.
        #expect(
            records.filter { $0.mode == .sequential }.allSatisfy {
                $0.workers == 1 && $0.startupSeconds < $0.wallSeconds / 10
            })
        // The wall time is cut into parts that cover it: what they do not place is under 2%.
        for record in records {
            let parts = try #require(record.breakdown, "\(record.workload) \(record.mode)")
            let placed = parts.totalSeconds - parts.residualSeconds
            #expect(
                abs(record.wallSeconds - placed) <= 0.02 * record.wallSeconds,
                "\(record.workload) \(record.mode): \(parts)")
            #expect(abs(parts.totalSeconds - record.wallSeconds) < 1e-5)
            #expect(parts.parts.allSatisfy { $0.name == "residual" || $0.seconds >= 0 }, "\(parts)")
        }
        // Process mode: tasks crossed the pipes, and every worker reported its own usage.
        let processes = records.filter { $0.mode == .processes }
        #expect(
            processes.allSatisfy {
                $0.bytesToWorkers > 0 && $0.bytesFromWorkers > 0 && ($0.workersMaxResidentKiB ?? 0) > 0
            })
        #expect(processes.allSatisfy { ($0.workersUserSeconds ?? 0) + ($0.workersSystemSeconds ?? 0) > 0 })
        #expect(
            records.filter { $0.mode != .processes }.allSatisfy {
                $0.bytesToWorkers == 0 && $0.workersMaxResidentKiB == 0
            })
        #expect(records.allSatisfy { ($0.coordinatorMaxResidentKiB ?? 0) > 0 })
        // Positions count every repetition in run order; start times never go back.
        #expect(records.map(\.position) == Array(1...records.count))
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.startSeconds <= $1.startSeconds })

        let chart = try String(contentsOfFile: lab.folder + "/run/chart.txt", encoding: .utf8)
        #expect(outcome.standardOutput.hasPrefix(chart))
        #expect(chart.contains("primes (cpu)") && chart.contains("processes x2") && chart.contains("1.00x"))
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test("the default output folder is Results/<run-id> with a sortable timestamp ID")
    func defaultFolder() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--quick", "--workloads", "sleep", "--modes", "sequential", "--repetitions", "1", "--warmup", "0",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: lab.folder + "/Results")
        #expect(runs.count == 1)
        let runID = try #require(runs.first)
        #expect(runID.wholeMatch(of: /\d{8}T\d{6}Z(-\d+)?/) != nil, "\(runID)")
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/Results/\(runID)/results.csv", encoding: .utf8))
        #expect(records.map(\.runID) == [runID])
        #expect(outcome.standardError.contains("[1/1] sleep sequential, repetition 1"))
    }

    @Test("a worker count above the task count still runs every task once")
    func moreWorkersThanTasks() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "primes", "--set", "primes.limit=20000", "--tasks", "2", "--workers", "5",
            "--repetitions", "1",
            "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8))
        #expect(records.count == 4)
        #expect(Set(records.map(\.checksum)).count == 1)
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test(
        "every workload gives one checksum in all four modes, worker processes included",
        arguments: builtinWorkloads.defaultPlanNames)
    func everyWorkloadEveryMode(name: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // A private temporary folder shows whether a workload leaves files behind.
        let temporary = lab.folder + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        let outcome = try lab.run(
            [
                "run", "--quick", "--workloads", name, "--workers", "2", "--repetitions", "1", "--warmup", "0", "--out",
                "run", "--quiet",
            ],
            environment: ["TMPDIR": temporary])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let records = try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/run/results.csv", encoding: .utf8))
        #expect(records.map(\.mode) == ExecutionMode.allCases)
        #expect(records.allSatisfy { $0.status == .ok }, "\(records.map(\.error))")
        #expect(Set(records.map(\.checksum)).count == 1, "\(records.map(\.checksum))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
        #expect(try lab.markedProcesses().isEmpty)
    }
}
