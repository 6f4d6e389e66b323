import Foundation
import LabCore
import LabReport

extension Benchmark {
    /// How much longer empty tasks take when each repetition records its timeline.
    package static let timelineGoal = BenchmarkGoal.atMost(1.05)

    /// Empty tasks on 2 threads, with and without recording the timeline, in alternating
    /// order after a warm-up of each: the ratio of the median walls.
    func recordingOverhead(
        tasks: Int, batch: BatchSize
    ) throws -> (ratio: Double, with: Double, without: Double, samples: Int) {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: tasks)
        let cell = Cell(workload: workload, mode: .threads, workers: 2)
        let runners = [true, false].map {
            ExperimentRunner(
                runID: "bench", workerExecutable: worker, registry: ChildProcessRegistry(), batch: batch,
                recordsTimelines: $0)
        }
        let samples = repetitions * 3
        var walls: [[Double]] = [[], []]
        for round in 0...samples {
            for which in round % 2 == 0 ? [0, 1] : [1, 0] {
                let record = runners[which].measure(cell, repetition: round)
                guard record.status == .ok else { throw LabFailure("noop \(cell.label) failed: \(record.error ?? "")") }
                // Round 0 is the warm-up of both.
                if round > 0 { walls[which].append(record.wallSeconds) }
            }
        }
        let with = Statistics.median(walls[0]) ?? .nan
        let without = Statistics.median(walls[1]) ?? .nan
        return (with / without, with, without, samples)
    }

    /// What reading the machine's counters adds: per repetition of a 2-thread cell (the
    /// machine's load before and after, each lane's scheduler figures at both ends of its
    /// life), and per worker process (its report: usage, its lane, smaps_rollup, read here in
    /// the coordinator: an upper bound), each the median of 5 timed loops. Context figures:
    /// they are in every cell, timeline or not.
    func countersCost() -> [BenchmarkResult] {
        let rounds = quick ? 200 : 1_000
        func microseconds(_ body: () -> Void) -> Double {
            let loops = (0..<5).map { _ in
                let start = Platform.monotonicSeconds()
                for _ in 0..<rounds { body() }
                return (Platform.monotonicSeconds() - start) / Double(rounds)
            }
            return (Statistics.median(loops) ?? .nan) * 1e6
        }
        let repetition = microseconds {
            for _ in 0..<2 { _ = Platform.machineLoad() }
            for _ in 0..<4 { _ = Platform.threadSchedulerCounters() }
        }
        let worker = microseconds { _ = WorkerReport.current() }
        return [
            BenchmarkResult(
                measurement: "counters_cost_per_repetition", value: repetition, unit: "us",
                detail:
                    "2 readings of /proc/stat and /proc/pressure/cpu and 4 of a thread's schedstat and sched: what a "
                    + "2-thread repetition adds, median of 5 loops of \(rounds)"
            ),
            BenchmarkResult(
                measurement: "counters_cost_per_worker", value: worker, unit: "us",
                detail:
                    "a worker's report as it finishes (getrusage, its schedstat and sched, smaps_rollup), read in this "
                    + "process, median of 5 loops of \(rounds); smaps_rollup walks every mapping, and this "
                    + "coordinator maps more than a worker does, so a worker pays less"
            ),
        ]
    }

    /// An empty task's cost in `mode`, in microseconds (see
    /// ``Calibrator/taskSeconds(_:workers:tasks:batch:samples:)``).
    func taskCost(
        _ mode: ExecutionMode, workers: Int, tasks: Int, batch: BatchSize, transport: Transport = .default
    ) throws -> Double {
        try calibrator.taskSeconds(
            mode, workers: workers, tasks: tasks, batch: batch, samples: repetitions, transport: transport) * 1e6
    }

    /// The median start-up of a pool of `workers` noop workers after one warm-up, in seconds.
    func poolStartup(workers: Int) throws -> Double {
        try calibrator.poolStartupSeconds(workers: workers, samples: repetitions + 4, warmups: 1)
    }

    /// The figures of the other transports: their raw round trips, and an empty task through 1
    /// worker over each, one by one and (for `shm`) in batches.
    func transportFigures(pipeBatchOne: Double, tasks: Int, progress: (String) -> Void) throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        for transport in transports where transport != .pipe {
            let name = transport.rawValue
            progress("raw \(name) round trip, and noop through 1 worker process over \(name)")
            let raw = try calibrator.roundTrip(over: TransportSettings(transport))
            results.append(
                BenchmarkResult(
                    measurement: "raw_\(name)_round_trip", value: raw[0].value, unit: "us", detail: raw[0].detail))
            results.append(
                BenchmarkResult(
                    measurement: "raw_\(name)_round_trip_cpu", value: raw[1].value, unit: "us", detail: raw[1].detail))
            let oneByOne = try taskCost(.processes, workers: 1, tasks: tasks, batch: .fixed(1), transport: transport)
            results.append(
                BenchmarkResult(
                    measurement: "process_task_cost_batch_1_\(name)", value: oneByOne, unit: "us",
                    detail:
                        "noop, 1 worker process over \(name), \(tasks) tasks one by one: (wall_s - startup_s) / tasks, "
                        + "median of \(repetitions)"
                ))
            guard transport == .shm else { continue }
            results.append(
                BenchmarkResult(
                    measurement: "shm_task_over_pipe_task_batch_1", value: oneByOne / pipeBatchOne, unit: "x",
                    goal: .atMost(0.25),
                    detail:
                        "process_task_cost_batch_1_shm / process_task_cost_batch_1: what shared memory and a bounded "
                        + "spin save on each wake-up"
                ))
            let batch = BatchSize.automatic.tasksPerClaim(taskCount: tasks, workers: 1)
            let batched = try taskCost(.processes, workers: 1, tasks: tasks, batch: .automatic, transport: .shm)
            results.append(
                BenchmarkResult(
                    measurement: "process_task_cost_batch_auto_shm", value: batched, unit: "us", goal: .atMost(0.5),
                    detail:
                        "noop, 1 worker process over shm, \(tasks) tasks with --batch auto (\(batch) per claim, each "
                        + "task published as it is encoded)"
                ))
        }
        return results
    }

    /// The batch sizes of the shm-against-pipe sweep: one task a claim to whole runs of them.
    static let sweptBatches: [BatchSize] = [
        .fixed(1), .fixed(4), .fixed(16), .fixed(64), .fixed(256), .fixed(1024), .fixed(4096), .automatic,
    ]

    /// Empty tasks on 2 worker processes over pipes and over `shm` at each batch size, the
    /// two transports interleaved: shared memory must never be the slower one (issue 36: lab
    /// 0.7.0 took 3.8x the pipe's time at batch 16, when both sides polled on two cores).
    /// Each figure is the ratio of the medians of (wall_s - startup_s).
    func batchSweep(tasks: Int, progress: (String) -> Void) throws -> [BenchmarkResult] {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: tasks)
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.processes], workerCounts: [2], repetitions: repetitions, warmup: 1,
            transports: [.pipe, .shm])
        var results: [BenchmarkResult] = []
        for batch in Self.sweptBatches {
            let size = batch.tasksPerClaim(taskCount: tasks, workers: 2)
            progress("noop, 2 worker processes, \(tasks) tasks, batch \(batch), pipe against shm")
            let runner = session.experimentRunner(workerExecutable: worker, taskTimeoutSeconds: 300, batch: batch)
            let records = try session.run(plan, with: runner)
            try ChecksumProof.check(records)
            if let failed = records.first(where: { $0.status == .failed }) {
                throw LabFailure("noop \(failed.cellLabel) at batch \(batch) failed: \(failed.error ?? "")")
            }
            func median(_ transport: Transport) -> Double {
                Statistics.median(
                    records.filter { $0.transport == transport }.map { $0.wallSeconds - $0.startupSeconds }) ?? .nan
            }
            let (pipe, shm) = (median(.pipe), median(.shm))
            let name = if case .automatic = batch { "auto" } else { "\(size)" }
            results.append(
                BenchmarkResult(
                    measurement: "shm_over_pipe_batch_\(name)", value: shm / pipe, unit: "x", goal: .atMost(1),
                    detail:
                        "noop, 2 worker processes, \(tasks) tasks, --batch \(batch) (\(size) per claim): shm "
                        + "\(Self.milliseconds(shm)) ms / pipe \(Self.milliseconds(pipe)) ms, wall minus start-up, "
                        + "medians of \(repetitions)"
                ))
        }
        return results
    }

    /// `type` at its default size (quick size with `quick`) on 2 threads and 2 processes over
    /// pipes and over `shm`, interleaved: how close shared memory brings processes to threads.
    func bulkOverSharedMemory(_ type: any Workload.Type) throws -> [BenchmarkResult] {
        let parameters = try type.parameters(overriding: [:], quick: quick)
        let workload = try ConfiguredWorkload(type: type, parameters: parameters)
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.threads, .processes], workerCounts: [2], repetitions: repetitions,
            warmup: 1, transports: [.pipe, .shm])
        let records = try session.run(plan, with: runner)
        try ChecksumProof.check(records)
        if let failed = records.first(where: { $0.status == .failed }) {
            throw LabFailure("\(type.name) \(failed.cellLabel) failed: \(failed.error ?? "")")
        }
        func median(_ mode: ExecutionMode, _ transport: Transport?) -> Double {
            Statistics.median(records.filter { $0.mode == mode && $0.transport == transport }.map(\.wallSeconds))
                ?? .nan
        }
        let threads = median(.threads, nil)
        let (pipe, shm) = (median(.processes, .pipe), median(.processes, .shm))
        let size =
            "\(type.name) \(parameters.canonicalText), \(workload.taskCount) tasks, 2 workers, medians of "
            + "\(repetitions)"
        return [
            BenchmarkResult(
                measurement: "\(type.name)_pipe_over_threads", value: pipe / threads, unit: "x",
                detail:
                    "\(size): processes over pipes \(Self.milliseconds(pipe)) ms / threads "
                    + "\(Self.milliseconds(threads)) ms"
            ),
            BenchmarkResult(
                measurement: "\(type.name)_shm_over_threads", value: shm / threads, unit: "x", goal: .atMost(1.1),
                detail:
                    "\(size): processes over shm \(Self.milliseconds(shm)) ms / threads \(Self.milliseconds(threads)) "
                    + "ms"
            ),
        ]
    }

    /// `type` at its default size (quick size with `quick`) on 2 threads and on 2 processes
    /// over `shm`, forked by a fork server, mapping its dataset if it has one, interleaved:
    /// what is left of a process's cost once every remedy the lab has is applied.
    func remedies(_ type: any Workload.Type) throws -> [BenchmarkResult] {
        let parameters = try type.parameters(overriding: [:], quick: quick)
        let workload = try ConfiguredWorkload(type: type, parameters: parameters)
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.threads, .processes], workerCounts: [2], repetitions: repetitions,
            warmup: 1, transports: [.shm],
            datasets: [.map], starts: [.forkserver])
        let records = try session.run(plan, with: runner)
        try ChecksumProof.check(records)
        if let failed = records.first(where: { $0.status == .failed }) {
            throw LabFailure("\(type.name) \(failed.cellLabel) failed: \(failed.error ?? "")")
        }
        func median(_ mode: ExecutionMode) -> Double {
            Statistics.median(records.filter { $0.mode == mode }.map(\.wallSeconds)) ?? .nan
        }
        let (threads, processes) = (median(.threads), median(.processes))
        let label = records.first { $0.mode == .processes }?.cellLabel ?? "processes x2"
        let size = "\(type.name) \(parameters.canonicalText), \(workload.taskCount) tasks"
        let floor = try self.floor(
            type.name, parameters: parameters.canonicalText, tasks: workload.taskCount,
            checksum: records.first?.checksum)
        return [
            BenchmarkResult(
                measurement: "\(type.name)_remedies_over_threads", value: processes / threads, unit: "x",
                detail:
                    "\(size), medians of \(repetitions): \(label) \(Self.milliseconds(processes)) ms / threads x2 "
                    + "\(Self.milliseconds(threads)) ms"
            ),
            BenchmarkResult(
                measurement: "\(type.name)_floor_processes_over_threads", value: floor.processes / floor.threads,
                unit: "x",
                detail:
                    "\(size), no engine: 2 forked children \(Self.milliseconds(floor.processes)) ms / 2 threads "
                    + "\(Self.milliseconds(floor.threads)) ms, medians of \(repetitions), alternating: what a "
                    + "second address space costs on this machine"
            ),
            BenchmarkResult(
                measurement: "\(type.name)_remedies_over_floor", value: processes / floor.processes, unit: "x",
                goal: .atMost(1.05),
                detail:
                    "\(size): \(label) \(Self.milliseconds(processes)) ms / 2 bare forked children "
                    + "\(Self.milliseconds(floor.processes)) ms"
            ),
        ]
    }

    /// The floor of a workload (``FloorPeer``): its tasks on 2 bare threads and on 2 bare
    /// forked children, each measured in a `lab calibrate-peer floor` process of its own,
    /// alternating, one unrecorded round first; the medians of `repetitions`, in seconds.
    /// - Throws: ``LabFailure`` when a peer fails or its checksum is not `checksum` (the lab's).
    func floor(
        _ name: String, parameters: String, tasks: Int, checksum: UInt64?
    ) throws -> (threads: Double, processes: Double) {
        var seconds: [ExecutionMode: [Double]] = [:]
        for round in 0...repetitions {
            for mode in round % 2 == 0 ? [ExecutionMode.threads, .processes] : [.processes, .threads] {
                let output = Pipe()
                let process = Platform.Subprocess(
                    peer.executablePath,
                    arguments: peer.arguments + ["floor", name, parameters, String(tasks), "2", mode.rawValue],
                    output: output)
                try process.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let status = process.wait()
                let fields = text.split(whereSeparator: \.isWhitespace)
                guard status == 0, fields.count == 2, let measured = Double(fields[0]), measured.isFinite else {
                    throw LabFailure("the floor of \(name) on \(mode.rawValue) failed (status \(status)): \(text)")
                }
                if let checksum, String(fields[1]) != Checksum.hex(checksum) {
                    throw LabFailure(
                        "the floor of \(name) on \(mode.rawValue) gave checksum \(fields[1]), the lab "
                            + "\(Checksum.hex(checksum)): it did other work"
                    )
                }
                if round > 0 { seconds[mode, default: []].append(measured) }
            }
        }
        return (
            Statistics.median(seconds[.threads] ?? []) ?? .nan, Statistics.median(seconds[.processes] ?? []) ?? .nan
        )
    }

    /// The CPU-bound workload at its default size: sequential, 2 threads and 2 processes,
    /// interleaved, one warm-up and `repetitions` measured rounds; speedups of the medians.
    func scaling() throws -> [BenchmarkResult] {
        let parameters = try cpuBound.parameters(overriding: [:], quick: quick)
        let workload = try ConfiguredWorkload(type: cpuBound, parameters: parameters)
        let measured = try ModeComparison(
            measuring: workload, workers: 2, repetitions: repetitions, runner: runner, session: session)
        if let failure = measured.failures.first {
            throw LabFailure("\(failure); a comparison with failed repetitions has no speedup to report")
        }
        let sequential = measured.median(.sequential)
        let threads = sequential / measured.median(.threads)
        let processes = sequential / measured.median(.processes)
        let processesWithoutStartup = sequential / measured.median(.processes) { $0.wallSeconds - $0.startupSeconds }
        let name = cpuBound.name
        let size = "\(name) \(parameters.canonicalText), \(workload.taskCount) tasks"
        return [
            BenchmarkResult(
                measurement: "\(name)_sequential", value: sequential * 1e3, unit: "ms",
                detail: "\(size), sequential, median of \(repetitions)"),
            BenchmarkResult(
                measurement: "\(name)_threads_2_speedup", value: threads, unit: "x", goal: .atLeast(1.9),
                detail: "sequential median / 2-thread median"),
            BenchmarkResult(
                measurement: "\(name)_processes_2_speedup", value: processes, unit: "x", goal: .atLeast(1.9),
                detail: "sequential median / 2-process median, pool start-up included (as a user waits for it)"),
            BenchmarkResult(
                measurement: "\(name)_processes_2_speedup_after_startup", value: processesWithoutStartup, unit: "x",
                detail: "the same with the pool's start-up taken out: what the two workers do once they run"),
        ]
    }

    /// The sequential cell of `type` at its size and at double that size (its size parameter,
    /// or its task count when it has none), one warm-up and `repetitions` measured each; the
    /// ratio of the medians. Work the optimiser removed shows as a ratio near 1.
    func growth(
        of type: any Workload.Type, choosing choice: (name: String, value: String)? = nil
    ) throws -> BenchmarkResult {
        let base = try type.parameters(overriding: choice.map { [$0.name: $0.value] } ?? [:], quick: quick)
        let label = type.name + (choice.map { " \($0.name)=\($0.value)" } ?? "")
        let baseTasks = type.defaultTaskCount(for: base)
        let small: ConfiguredWorkload
        let large: ConfiguredWorkload
        let what: String
        if let name = type.sizeParameter, let spec = type.parameters.first(where: { $0.name == name }),
            let range = spec.integerRange
        {
            let size = base.integer(name)
            // Double the size, or halve it when doubling leaves the parameter's range.
            let (lower, upper) =
                size <= range.upperBound / 2 ? (size, size * 2) : (max(size / 2, range.lowerBound), size)
            small = try ConfiguredWorkload(
                type: type, parameters: try base.setting(name, to: String(lower)), taskCount: baseTasks)
            large = try ConfiguredWorkload(
                type: type, parameters: try base.setting(name, to: String(upper)), taskCount: baseTasks)
            what = "\(name) \(lower) and \(upper)"
        } else {
            small = try ConfiguredWorkload(type: type, parameters: base, taskCount: baseTasks)
            large = try ConfiguredWorkload(type: type, parameters: base, taskCount: baseTasks * 2)
            what = "\(baseTasks) and \(baseTasks * 2) tasks"
        }
        let plan = ExperimentPlan(
            workloads: [small, large], modes: [.sequential], workerCounts: [1], repetitions: repetitions, warmup: 1)
        let records = try session.run(plan, with: runner)
        if let failed = records.first(where: { $0.status == .failed }) {
            throw LabFailure("\(label) sequential failed while its growth was measured: \(failed.error ?? "")")
        }
        func median(_ workload: ConfiguredWorkload) -> Double {
            let key = (workload.parameters.canonicalText, workload.taskCount)
            return Statistics.median(records.filter { ($0.parameters, $0.tasks) == key }.map(\.wallSeconds)) ?? .nan
        }
        let (smallSeconds, largeSeconds) = (median(small), median(large))
        return BenchmarkResult(
            measurement: "\(type.name)_growth" + (choice.map { "_\($0.name)_\($0.value)" } ?? ""),
            value: largeSeconds / smallSeconds, unit: "x",
            goal: Self.growthGoal,
            detail:
                "\(label) sequential at \(what): \(Self.milliseconds(smallSeconds)) and "
                + "\(Self.milliseconds(largeSeconds)) ms, medians of \(repetitions); "
                + "below \(Self.growthGoal.bound.shortText)x the work does not grow with its size (removed by the "
                + "optimiser?)"
        )
    }
}
