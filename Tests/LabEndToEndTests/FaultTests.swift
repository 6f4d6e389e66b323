import Foundation
import LabCore
import LabReport
import Testing

/// Isolation, shown: what a misbehaving task does to each mode, and what the lab does then.
@Suite struct FaultTests {
    func records(_ lab: LabBinary, _ folder: String) throws -> [RepetitionRecord] {
        try ResultsFileReader.records(
            fromCSV: String(contentsOfFile: lab.folder + "/" + folder + "/results.csv", encoding: .utf8))
    }

    /// Every transport, as `--transport` takes them: fault tests run a process cell over each.
    static let allTransports = Transport.allCases.map(\.rawValue).joined(separator: ",")

    @Test(
        "a worker that exits, crashes or is killed fails its task over every transport, spawned or forked; it is replaced and the other tasks run",
        arguments: [
            ("exit", "exited with status 3 during task 3"), ("trap", "killed by signal 4 (SIGILL) during task 3"),
            ("kill", "killed by signal 9 (SIGKILL) during task 3"),
        ])
    func workerDies(action: String, message: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // Tasks 3 and 6 of 8 misbehave; worker count 2, one repetition, then a second cell.
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--modes", "processes", "--set", "fault.action=\(action)", "--set",
            "fault.every=3",
            "--set", "fault.spin=1000", "--workers", "1,2", "--transport", Self.allTransports, "--start",
            "spawn,forkserver",
            "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("12 of 12 repetitions failed"), "\(outcome.standardError)")
        let rows = try records(lab, "run")
        #expect(rows.count == 12)
        #expect(Set(rows.compactMap(\.transport)) == Set(Transport.allCases))
        for row in rows {
            #expect(row.status == .failed)
            #expect(row.checksum == nil)
            let error = try #require(row.error)
            #expect(error.contains("during task 3") && error.hasSuffix("; 1 more failure"), "\(error)")
            // 6 of the 8 tasks still ran: completed tasks / wall time, back into a count.
            #expect(abs(row.tasksPerSecond * row.wallSeconds - 6) < 0.1, "\(row.tasksPerSecond * row.wallSeconds)")
        }
        for transport in Transport.allCases {
            for start in WorkerStart.allCases {
                #expect(
                    rows.contains {
                        $0.transport == transport && $0.start == start && $0.error?.contains(message) == true
                    },
                    "\(transport), \(start): \(rows.map(\.error))")
            }
        }
        let summary = try CSV.parse(String(contentsOfFile: lab.folder + "/run/summary.csv", encoding: .utf8))
        #expect(
            summary.dropFirst().allSatisfy {
                $0[SummaryColumn.allCases.firstIndex(of: .failed)!] == "1"
                    && $0[SummaryColumn.allCases.firstIndex(of: .n)!] == "0"
            })
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test(
        "a worker that scribbles on its shared ring is named as breaking the protocol, killed and replaced; the other tasks run and nothing traps"
    )
    func workerScribbles() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // Tasks 3 and 6 of 8 write a head behind the tail into their reply ring, then wait.
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--modes", "processes", "--set", "fault.action=scribble", "--set",
            "fault.every=3",
            "--set", "fault.spin=1000", "--workers", "1,2", "--transport", "shm", "--start", "spawn,forkserver",
            "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("4 of 4 repetitions failed"), "\(outcome.standardError)")
        let rows = try records(lab, "run")
        #expect(rows.count == 4)
        for row in rows {
            let error = try #require(row.error)
            #expect(error.contains("broke the protocol: wrote shared ring positions that cannot be (head "), "\(error)")
            #expect(abs(row.tasksPerSecond * row.wallSeconds - 6) < 0.1, "\(row.tasksPerSecond * row.wallSeconds)")
        }
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test(
        "a worker replaced three times in one repetition, spawned or forked: every worker's CPU time and faults are in the row, counted by the kernel for the ones that died"
    )
    func replacementsAreCounted() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // Tasks 3, 6 and 9 of 12 exit their worker: four workers in one repetition, on one lane.
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--modes", "processes", "--set", "fault.action=exit", "--set",
            "fault.every=3",
            "--set", "fault.spin=1000", "--tasks", "12", "--workers", "1", "--start", "spawn,forkserver",
            "--repetitions", "2", "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1, "\(outcome.standardError)")
        let rows = try records(lab, "run")
        #expect(rows.count == 4)
        for row in rows {
            #expect(
                row.error == "worker 1 exited with status 3 during task 3; 2 more failures",
                "\(String(describing: row.error))")
            let user = try #require(row.workersUserSeconds, "\(String(describing: row.start))")
            let system = try #require(row.workersSystemSeconds)
            #expect(user + system > 0)
            #expect(try #require(row.counters.workersMinorFaults) > 0)
            // Their peaks and memory come only from the workers' own reports, which the dead ones never sent.
            #expect(row.workersMaxResidentKiB == nil && row.counters.workersMemory == nil)
        }
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test(
        "a worker killed inside a batch fails that task over every transport; the rest of its batch runs on the replacement"
    )
    func workerDiesInBatch() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // One worker claims tasks 0-3 and 4-7; tasks 3 and 6 kill it.
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--modes", "processes", "--set", "fault.action=kill", "--set",
            "fault.every=3",
            "--set", "fault.spin=1000", "--workers", "1", "--batch", "4", "--transport", Self.allTransports,
            "--repetitions", "1", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1)
        let rows = try records(lab, "run")
        #expect(rows.compactMap(\.transport) == Transport.allCases)
        for row in rows {
            #expect(
                row.error == "worker 1 killed by signal 9 (SIGKILL) during task 3; 1 more failure",
                "\(String(describing: row.transport)): \(String(describing: row.error))")
            #expect(abs(row.tasksPerSecond * row.wallSeconds - 6) < 0.1, "\(row.tasksPerSecond * row.wallSeconds)")
        }
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/run/run.json", encoding: .utf8))
        #expect(description.plan.batch == "4")
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test("batches of tasks give the same checksums as tasks one by one, in every mode")
    func batchesAgree() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        for batch in ["1", "3"] {
            let outcome = try lab.run([
                "run", "--workloads", "digest", "--quick", "--set", "digest.echo=yes", "--tasks", "10", "--workers",
                "2", "--batch", batch,
                "--repetitions", "1", "--warmup", "0", "--out", "run\(batch)", "--quiet",
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
        let rows = try records(lab, "run1") + records(lab, "run3")
        #expect(rows.count == 2 * ExecutionMode.allCases.count)
        #expect(rows.allSatisfy { $0.status == .ok })
        #expect(Set(rows.map(\.checksum)).count == 1)
    }

    @Test("a thrown error fails its task in every mode and the run goes on")
    func thrown() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--set", "fault.spin=1000", "--workers", "2", "--repetitions", "1",
            "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1)
        let rows = try records(lab, "run")
        #expect(rows.map(\.mode) == ExecutionMode.allCases)
        #expect(rows.allSatisfy { $0.error == "task 3 failed: fault: task 3 threw, as asked" }, "\(rows.map(\.error))")
    }

    @Test(
        "a hanging task in process mode times out over every transport, spawned or forked; its worker is killed and replaced"
    )
    func hangingWorker() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--modes", "processes", "--set", "fault.action=hang", "--set",
            "fault.spin=1000",
            "--task-timeout", "0.5", "--workers", "2", "--transport", Self.allTransports, "--start", "spawn,forkserver",
            "--repetitions", "1",
            "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1)
        let rows = try records(lab, "run")
        #expect(rows.compactMap(\.transport) == Transport.allCases.flatMap { [$0, $0] })
        #expect(rows.compactMap(\.start) == Transport.allCases.flatMap { _ in WorkerStart.allCases })
        for row in rows {
            #expect(
                row.error?.hasPrefix("task 3 timed out after 0.5 s on worker ") == true,
                "\(String(describing: row.error))")
            #expect(abs(row.tasksPerSecond * row.wallSeconds - 7) < 0.1)
        }
        #expect(try lab.markedProcesses().isEmpty)
    }

    /// The sequential cell runs first and finishes (its slow task is short); the cell under
    /// test then meets a 60 s task. Each mode's own watchdog must notice it.
    @Test(
        "a stuck task on threads or in an async task cannot be killed: the lab says so, writes what it has and stops",
        arguments: [("threads", "thread"), ("async", "task on a cooperative thread")])
    func stuckTask(mode: String, what: String) throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "sleep", "--modes", mode, "--set", "sleep.seconds=0.01,60", "--task-timeout", "0.5",
            "--workers", "2", "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("task 1 of sleep \(mode) x2 has run for"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("past the task timeout of 0.5 s"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("a \(what) cannot be stopped from outside"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("marked partial"), "\(outcome.standardError)")
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/run/run.json", encoding: .utf8))
        #expect(description.partial)
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/run/report.md"))
    }

    @Test("a stuck task ends a crossover scan too: status 1, run.json marked partial, no hang")
    func stuckCrossover() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "crossover", "--workload", "fault", "--param", "spin", "--set", "fault.action=ok", "--from", "500000000",
            "--to", "1000000000",
            "--task-timeout", "0.2", "--repetitions", "1", "--bisections", "0", "--out", "cross", "--quiet",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("past the task timeout of 0.2 s"), "\(outcome.standardError)")
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/cross/run.json", encoding: .utf8))
        #expect(description.partial)
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test("a mode that does other work is caught by the checksum proof in lab run: exit 1, both checksums, no speedup")
    func divergingRun() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "fault", "--set", "fault.action=diverge", "--modes", "sequential,threads,processes",
            "--quick",
            "--workers", "2", "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 1)
        let rows = try records(lab, "run")
        let sequential = try #require(rows.first { $0.mode == .sequential }?.checksum)
        let threads = try #require(rows.first { $0.mode == .threads }?.checksum)
        let processes = try #require(rows.first { $0.mode == .processes }?.checksum)
        #expect(sequential == threads && sequential != processes)
        #expect(
            outcome.standardError.components(separatedBy: "lab: checksum").count == 2,
            "one line, once: \(outcome.standardError)")
        let expected =
            "lab: checksum mismatch for fault action=diverge;at=3;every=0;spin=100000 tasks=8: sequential repetition 1 gave \(Checksum.hex(sequential)), and processes x2 (1 of 1 repetition) gave another"
        #expect(outcome.standardError.contains(expected), "\(outcome.standardError)")
        #expect(
            outcome.standardError.contains("Likely causes: a Set or Dictionary folded in iteration order"),
            "\(outcome.standardError)")
        let summaries = try RunFolder(path: lab.folder + "/run").derivedFiles().summaries
        #expect(summaries.first { $0.mode == .processes }?.speedup == nil)
        #expect(summaries.first { $0.mode == .threads }?.speedup != nil)
        #expect(try String(contentsOfFile: lab.folder + "/run/summary.csv", encoding: .utf8).contains("checksum"))
    }

    @Test(
        "a mode that does other work is caught by the checksum proof in lab scale: exit 1, the mismatch said, no speedup in scale.csv"
    )
    func divergingScale() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "scale", "--workload", "fault", "--set", "fault.action=diverge", "--modes", "threads,processes", "--quick",
            "--workers", "1,2",
            "--repetitions", "1", "--warmup", "0", "--out", "scale", "--quiet",
        ])
        #expect(outcome.status == 1)
        #expect(
            outcome.standardError.contains("lab: checksum mismatch for fault action=diverge;"),
            "\(outcome.standardError)")
        let curve = try CSV.parse(String(contentsOfFile: lab.folder + "/scale/scale.csv", encoding: .utf8))
        let speedups = Dictionary(uniqueKeysWithValues: curve.dropFirst().map { ("\($0[0]) \($0[1])", $0[7]) })
        #expect(
            speedups["threads 2"]?.isEmpty == false && speedups["processes 1"] == "" && speedups["processes 2"] == "",
            "\(curve)")
    }

    @Test("a mode that does other work stops lab crossover: exit 1, both checksums, run.json marked partial")
    func divergingCrossover() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "crossover", "--workload", "fault", "--param", "spin", "--set", "fault.action=diverge", "--from", "1000",
            "--to", "2000",
            "--repetitions", "1", "--bisections", "0", "--out", "cross", "--quiet",
        ])
        #expect(outcome.status == 1)
        #expect(
            outcome.standardError.contains(
                "lab: checksum mismatch for fault action=diverge;at=3;every=0;spin=1000 tasks=8: sequential repetition 1 gave "
            ),
            "\(outcome.standardError)")
        #expect(outcome.standardError.contains(", processes x"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("no speedup is reported"), "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
        let description = try RunDescription.parse(
            String(contentsOfFile: lab.folder + "/cross/run.json", encoding: .utf8))
        #expect(description.partial)
    }

    @Test("16 MiB of input and 16 MiB of result per task cross every transport without deadlock")
    func largePayloads() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--workloads", "digest", "--modes", "sequential,processes", "--set", "digest.bytes=16777216",
            "--set", "digest.echo=yes",
            "--set", "digest.rounds=1", "--tasks", "2", "--workers", "2", "--transport", Self.allTransports,
            "--repetitions", "1", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try records(lab, "run")
        #expect(rows.count == 4)
        #expect(Set(rows.map(\.checksum)).count == 1)
        let processes = rows.filter { $0.mode == .processes }
        #expect(processes.compactMap(\.transport) == Transport.allCases)
        for row in processes {
            #expect(row.bytesToWorkers > 2 * 16_777_216 && row.bytesFromWorkers > 2 * 16_777_216)
        }
    }

    @Test(
        "50,000 tasks on 4 processes over every transport, spawned and forked, and 4 threads leave the coordinator's descriptors, threads and shared regions as they were"
    )
    func noLeaks() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run(
            [
                "run", "--workloads", "noop", "--tasks", "50000", "--modes", "processes,threads", "--workers", "4",
                "--transport", Self.allTransports,
                "--start", "spawn,forkserver", "--repetitions", "1", "--warmup", "1", "--out", "run", "--quiet",
            ],
            environment: ["LAB_RESOURCE_REPORT": "1"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let line = try #require(outcome.standardError.split(separator: "\n").first { $0.hasPrefix("lab: resources: ") })
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 6)
        #expect(numbers[0] == numbers[1], "descriptors grew: \(line)")
        // Threads may only shrink: Dispatch retires its idle worker threads a few seconds after
        // their last job (CI once saw 6 -> 5, a thread that Process's start-up had woken before
        // the baseline); a thread the lab leaks is one more at the end.
        #expect(numbers[3] <= numbers[2], "threads grew: \(line)")
        #expect(numbers[4] == 0 && numbers[5] == 0, "a worker's shared region stayed mapped: \(line)")
        #expect(
            try records(lab, "run").filter { $0.mode == .processes }.compactMap(\.transport)
                == Transport.allCases.flatMap { [$0, $0] })
    }
}
