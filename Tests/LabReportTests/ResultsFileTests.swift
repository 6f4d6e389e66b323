import Foundation
import LabCore
import Testing

@testable import LabReport

func sampleRecord(
    mode: ExecutionMode = .threads, workers: Int = 2, wall: Double = 0.5, status: RepetitionStatus = .ok,
    error: String? = nil
) -> RepetitionRecord {
    RepetitionRecord(
        runID: "20261125T120000Z", workload: "sleep", kind: .io, parameters: "seconds=0.3,0.2,0.1", mode: mode,
        workers: workers,
        tasks: 3, repetition: 1, wallSeconds: wall, startupSeconds: 0.012, tasksPerSecond: 6, checksum: 0xab,
        status: status, error: error, coordinatorUserSeconds: 0.25, coordinatorSystemSeconds: 0.125,
        workersUserSeconds: mode == .processes ? 0.5 : 0,
        workersSystemSeconds: 0, coordinatorMaxResidentKiB: 30_000,
        workersMaxResidentKiB: mode == .processes ? 16_000 : 0,
        bytesToWorkers: mode == .processes ? 4096 : 0,
        bytesFromWorkers: mode == .processes ? 300 : 0,
        startSeconds: 1.5, position: 7,
        breakdown: TimeBreakdown(
            startupSeconds: 0.012, workSeconds: 0.25, exchangeSeconds: 0.125, idleSeconds: 0.0625,
            teardownSeconds: 0.001,
            residualSeconds: 0.0005),
        counters: RepetitionCounters(coordinatorVoluntaryContextSwitches: 12, coordinatorInvoluntaryContextSwitches: 3))
}

@Suite struct ResultsFileTests {
    @Test("the header is the documented columns in the documented order")
    func header() {
        #expect(
            ResultColumn.header == [
                "run_id", "workload", "kind", "params", "mode", "workers", "tasks", "repetition", "wall_s", "startup_s",
                "tasks_per_s",
                "checksum", "status", "error", "coordinator_user_s", "coordinator_sys_s", "workers_user_s",
                "workers_sys_s", "coordinator_max_rss_kib", "workers_max_rss_kib", "coordinator_voluntary_ctx",
                "coordinator_involuntary_ctx",
                "bytes_to_workers",
                "bytes_from_workers", "start_s", "position", "work_s", "exchange_s", "idle_s", "teardown_s",
                "residual_s", "pin", "transport", "units", "variant",
                "coordinator_minor_faults", "coordinator_major_faults", "workers_minor_faults", "workers_major_faults",
                "workers_voluntary_ctx",
                "workers_involuntary_ctx",
                "lanes_running_s", "lanes_waiting_s", "lanes_migrations", "workers_rss_kib", "workers_pss_kib",
                "workers_uss_kib", "all_cycles",
                "all_instructions", "all_cache_misses", "others_cpu_s", "steal_s", "cpu_pressure_s", "disturbed",
                "dataset",
                "dataset_bytes", "start", "coordinator_peak_threads",
                "lanes_together_x",
            ])
    }

    @Test("records written to a file read back equal")
    func roundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-results-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var unmeasured = sampleRecord(
            mode: .processes, status: .failed, error: "worker 2 killed by signal 9 (SIGKILL) during task 1, \"badly\"")
        unmeasured.workersUserSeconds = nil
        unmeasured.workersSystemSeconds = nil
        unmeasured.workersMaxResidentKiB = nil
        unmeasured.coordinatorMaxResidentKiB = nil
        unmeasured.breakdown = nil
        var overSharedMemory = sampleRecord(mode: .processes)
        overSharedMemory.transport = .shm
        overSharedMemory.units = 9_000_000_000
        overSharedMemory.dataset = .map
        overSharedMemory.datasetBytes = 1 << 26
        overSharedMemory.start = .forkserver
        var peer = sampleRecord(mode: .processes, wall: 0, status: .unavailable, error: "no forkserver here")
        peer.variant = "forkserver"
        // Every counter measured, on a machine with hardware counters and a busy neighbour.
        overSharedMemory.counters = RepetitionCounters(
            coordinatorMinorFaults: 120, coordinatorMajorFaults: 1, coordinatorVoluntaryContextSwitches: 900,
            coordinatorInvoluntaryContextSwitches: 30, workersMinorFaults: 31_000, workersMajorFaults: 0,
            workersVoluntaryContextSwitches: 10_600,
            workersInvoluntaryContextSwitches: 40,
            lanes: SchedulerCounters(runningSeconds: 0.75, waitingSeconds: 0.125, migrations: 12),
            workersMemory: MemoryFootprint(residentKiB: 40_612, proportionalKiB: 15_582, uniqueKiB: 3_460),
            hardware: HardwareCounts(cycles: 9_000_000_000, instructions: 12_000_000_000, cacheMisses: 3_000_000),
            interference: Interference(
                othersCPUSeconds: 0.5, stealSeconds: 0.0625, pressureSeconds: 0.25, disturbed: true))
        // Without pressure stall information, hardware counters or lanes (async).
        var sequential = sampleRecord(mode: .sequential, workers: 1, wall: 0.6)
        sequential.counters = RepetitionCounters(
            coordinatorMinorFaults: 0, coordinatorMajorFaults: 0, coordinatorVoluntaryContextSwitches: 0,
            coordinatorInvoluntaryContextSwitches: 0, workersMinorFaults: 0, workersMajorFaults: 0,
            workersVoluntaryContextSwitches: 0,
            workersInvoluntaryContextSwitches: 0, workersMemory: MemoryFootprint(),
            interference: Interference(othersCPUSeconds: 0, stealSeconds: 0, pressureSeconds: nil, disturbed: false))
        // With the lanes' speed together, slower than allowed.
        var together = sampleRecord(mode: .threads, workers: 2, wall: 0.4)
        together.counters = RepetitionCounters(
            interference: Interference(
                othersCPUSeconds: 0, stealSeconds: 0, pressureSeconds: 0, lanesTogether: 1.84, disturbed: true))
        let records = [sampleRecord(), sequential, together, overSharedMemory, peer, unmeasured]
        let path = folder + "/results.csv"
        do {
            let writer = try ResultsFileWriter(path: path)
            for record in records { try writer.append(record) }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try ResultsFileReader.records(fromCSV: text) == records)
        // What was not measured is an empty field, not a 0.
        let lastRow = try #require(try CSV.parse(text).last)
        let emptyColumns = ResultColumn.allCases.enumerated().filter { lastRow[$0.offset].isEmpty }.map(\.element)
        #expect(
            emptyColumns == [
                .workersUserSeconds, .workersSystemSeconds, .coordinatorMaxResidentKiB, .workersMaxResidentKiB,
            ]
                + ResultColumn.breakdownColumns
                + [.units, .variant] + ResultColumn.counterColumns + [
                    .dataset, .datasetBytes, .start, .coordinatorPeakThreads, .lanesTogether,
                ])
        let disturbed = try CSV.parse(text).dropFirst().map { $0[ResultColumn.allCases.firstIndex(of: .disturbed)!] }
        #expect(disturbed == ["", "0", "1", "1", "", ""])
        let togetherFields = try CSV.parse(text).dropFirst().map {
            $0[ResultColumn.allCases.firstIndex(of: .lanesTogether)!]
        }
        #expect(togetherFields == ["", "", "1.840", "", "", ""])
        #expect(throws: SystemError.self) { try ResultsFileWriter(path: path) }
        // The transport is written for process rows only.
        let transports = try CSV.parse(text).dropFirst().map { $0[ResultColumn.allCases.firstIndex(of: .transport)!] }
        #expect(transports == ["", "", "", "shm", "pipe", "pipe"])
    }

    @Test(
        "a resumed run's files take up after their whole rows: a torn record is cut off, a timeline without its result is dropped"
    )
    func resumedFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-resume-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var first = sampleRecord(mode: .sequential, workers: 1)
        var second = sampleRecord()
        second.repetition = 2
        var third = sampleRecord(mode: .processes)
        third.repetition = 3
        first.repetition = 1
        func timeline(_ record: RepetitionRecord) -> RecordedTimeline {
            RecordedTimeline(
                spans: [
                    SpanRow(
                        lane: 0, firstTask: 0, taskCount: 3, claimed: 0, sent: 0, started: 0.001, ended: 0.25,
                        received: 0.25, work: 0.2, bytesIn: 0, bytesOut: 8)
                ],
                events: [EventRow(lane: nil, event: EventRow.poolGone, at: record.wallSeconds)])
        }
        // Two whole repetitions, a third whose timeline was written but not its result, and a
        // results.csv cut inside the row after them.
        let results = folder + "/results.csv"
        do {
            let writer = try ResultsFileWriter(path: results)
            try writer.append(first)
            try writer.append(second)
        }
        let whole = try String(contentsOfFile: results, encoding: .utf8)
        try (whole + "20261125T120000Z,sle").write(toFile: results, atomically: true, encoding: .utf8)
        var tasks = CSV.record(TimelineFiles.tasksHeader)
        var lanes = CSV.record(TimelineFiles.lanesHeader)
        for record in [first, second, third] {
            let rows = TimelineFiles.rows(of: timeline(record), record: record)
            tasks += rows.tasks
            lanes += rows.lanes
        }
        try tasks.write(toFile: folder + "/tasks.csv", atomically: true, encoding: .utf8)
        try lanes.write(toFile: folder + "/lanes.csv", atomically: true, encoding: .utf8)

        let read = try RunFolder(path: folder).readResults()
        #expect(read.records == [first, second])
        #expect(read.wholeLength == whole.utf8.count)
        do {
            let writer = try ResultsFileWriter(appendingTo: results, wholeLength: read.wholeLength)
            let timelines = try TimelineFilesWriter(resuming: folder, kept: Set(read.records.map(RepetitionKey.init)))
            try writer.append(third)
            withExtendedLifetime(timelines) {}
        }
        let resumed = try RunFolder(path: folder).readRecords()
        #expect(resumed.records == [first, second, third] && resumed.leftOut.isEmpty)
        // The third repetition's timeline rows went with its missing result; the rest stay as written.
        let kept = try #require(try RunFolder(path: folder).timelines())
        #expect(Set(kept.keys) == Set([first, second].map(RepetitionKey.init)))
        #expect(
            try String(contentsOfFile: folder + "/tasks.csv", encoding: .utf8)
                == CSV.record(TimelineFiles.tasksHeader)
                + [first, second].map { TimelineFiles.rows(of: timeline($0), record: $0).tasks }.joined())
    }

    @Test(
        "a results file of lab 0.4.0 (no transport column) reads its process rows as pipes and the others with no transport"
    )
    func fileWithoutTransport() throws {
        let records = [sampleRecord(mode: .processes), sampleRecord()]
        let kept = ResultColumn.allCases.filter { $0 != .transport }
        let old =
            CSV.record(kept.map(\.rawValue))
            + records.map { record in CSV.record(kept.map { $0.field(of: record) }) }.joined()
        let read = try ResultsFileReader.records(fromCSV: old)
        #expect(read.map(\.transport) == [.pipe, nil])
        #expect(read == records)
    }

    @Test(
        "a results file of lab 0.3.0 (no breakdown or pin columns) reads with no breakdown and no pinning; a half breakdown is none"
    )
    func olderFile() throws {
        var record = sampleRecord()
        record.placement = .compact
        let kept = ResultColumn.allCases.filter { !ResultColumn.newerColumns.contains($0) }
        let old = CSV.record(kept.map(\.rawValue)) + CSV.record(kept.map { $0.field(of: record) })
        var expected = record
        expected.breakdown = nil
        expected.placement = .none
        #expect(try ResultsFileReader.records(fromCSV: old) == [expected])
        expected.placement = .compact
        // One empty part makes the whole breakdown unknown rather than wrong.
        var fields = ResultColumn.fields(of: record)
        fields[ResultColumn.allCases.firstIndex(of: .idleSeconds)!] = ""
        #expect(
            try ResultsFileReader.records(fromCSV: CSV.record(ResultColumn.header) + CSV.record(fields)) == [expected])
    }

    @Test(
        "a folder from before 0.9.0 reads under the former names, its context switches less the workers' where it has them"
    )
    func formerNames() throws {
        // 0.6.0-0.8.0: voluntary_ctx was the coordinator's plus the workers'.
        let header =
            "mode,user_s,sys_s,max_rss_kib,voluntary_ctx,involuntary_ctx,minor_faults,major_faults,"
            + "workers_voluntary_ctx,workers_involuntary_ctx,cycles,instructions,cache_misses,peak_threads"
        let rest = CSV.record(
            ResultColumn.allCases.filter { $0.formerName == nil && !Self.inFormerHeader.contains($0) }.map(\.rawValue))
        func read(_ line: String, header: String = header) throws -> RepetitionRecord {
            let base = ResultColumn.allCases.filter { $0.formerName == nil && !Self.inFormerHeader.contains($0) }
                .map { $0.field(of: sampleRecord(mode: .processes)) }
            let text = header + "," + rest + line + "," + CSV.record(base)
            return try #require(try ResultsFileReader.records(fromCSV: text).first)
        }
        let processes = try read("processes,0.25,0.125,30000,1100,70,120,1,1000,40,9,12,3,5")
        #expect(processes.coordinatorUserSeconds == 0.25 && processes.coordinatorSystemSeconds == 0.125)
        #expect(processes.coordinatorMaxResidentKiB == 30_000)
        #expect(processes.counters.coordinatorVoluntaryContextSwitches == 100)
        #expect(processes.counters.coordinatorInvoluntaryContextSwitches == 30)
        #expect(processes.counters.workersVoluntaryContextSwitches == 1_000)
        #expect(processes.counters.coordinatorMinorFaults == 120 && processes.counters.coordinatorMajorFaults == 1)
        #expect(processes.counters.hardware == HardwareCounts(cycles: 9, instructions: 12, cacheMisses: 3))
        #expect(processes.counters.coordinatorPeakThreads == 5)
        // Before 0.6.0 a process row has no workers' switches: the coordinator's are unknown.
        let unsplit = try read("processes,0.25,0.125,30000,1100,70,120,1,,,9,12,3,5")
        #expect(unsplit.counters.coordinatorVoluntaryContextSwitches == nil)
        #expect(unsplit.counters.coordinatorInvoluntaryContextSwitches == nil)
        // Without workers, the whole count was the coordinator's.
        let threads = try read("threads,0.25,0.125,30000,1100,70,120,1,,,9,12,3,5")
        #expect(threads.counters.coordinatorVoluntaryContextSwitches == 1_100)
        // More workers' switches than the whole is a damaged row, not a negative count.
        #expect(throws: ResultsFileError.invalidField(line: 2, column: "coordinator_voluntary_ctx", value: "1100")) {
            try read("processes,0.25,0.125,30000,1100,70,120,1,2000,40,9,12,3,5")
        }
    }

    private static let inFormerHeader: [ResultColumn] = [
        .mode, .workersVoluntaryContextSwitches, .workersInvoluntaryContextSwitches,
    ]

    @Test("a missing column, a short row or a non-number is a clear error")
    func badFiles() throws {
        let good = CSV.record(ResultColumn.header) + CSV.record(ResultColumn.fields(of: sampleRecord()))
        #expect(try ResultsFileReader.records(fromCSV: good).count == 1)
        #expect(throws: ResultsFileError.missingColumn("wall_s")) {
            try ResultsFileReader.records(fromCSV: good.replacingOccurrences(of: "wall_s", with: "wall"))
        }
        #expect(throws: ResultsFileError.wrongFieldCount(line: 3, found: 2, expected: ResultColumn.allCases.count)) {
            try ResultsFileReader.records(fromCSV: good + "a,b\r\n")
        }
        #expect(throws: ResultsFileError.invalidField(line: 2, column: "wall_s", value: "fast")) {
            try ResultsFileReader.records(fromCSV: good.replacingOccurrences(of: "0.500000", with: "fast"))
        }
        #expect(throws: ResultsFileError.missingHeader) { try ResultsFileReader.records(fromCSV: "") }
    }
}
