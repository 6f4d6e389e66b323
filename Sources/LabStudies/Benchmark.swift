import LabCore
import LabReport

/// The lab's benchmark of its own overhead near the machine's limits, with the settings of
/// issue 7: each figure is a ratio taken within one run (or a per-task cost far above the
/// clock's resolution), so that a busy shared machine shifts both sides alike.
package struct Benchmark: Sendable {
    /// How a `lab worker` and the raw pipe peer are started.
    package let worker: WorkerExecutable
    package let peer: WorkerExecutable
    /// The empty workload, for per-task costs and start-up.
    package let noop: any Workload.Type
    /// The CPU-bound workload whose scaling is checked (`primes`).
    package let cpuBound: any Workload.Type
    /// Sizes: the by default; about a tenth with `quick`.
    package let quick: Bool
    /// Measured repetitions per figure (median taken).
    package let repetitions: Int

    /// The workloads whose time must grow with their size (every workload of the default
    /// plan, or those the user names).
    package let growing: [any Workload.Type]
    /// Where every measured repetition goes.
    package let session: RunSession
    /// The transports whose figures are measured beside the pipe's (`--transport`): the
    /// `shm` goals need `shm`.
    package let transports: [Transport]
    /// Workloads that move bytes or compute in bulk (`digest`, `mandelbrot`): processes over
    /// `shm` are held to within 10% of threads on them.
    package let bulk: [any Workload.Type]
    /// Workloads held to within 5% of threads with every remedy of a process applied
    /// (`shm`, a mapped dataset where they have one, workers forked by a fork server).
    package let remedied: [any Workload.Type]

    /// How much longer a workload's sequential cell must take at double its size: less means
    /// the work (or part of it) was removed, or does not depend on the size.
    package static let growthGoal = BenchmarkGoal.atLeast(1.5)

    package init(
        worker: WorkerExecutable, peer: WorkerExecutable, noop: any Workload.Type, cpuBound: any Workload.Type,
        growing: [any Workload.Type],
        session: RunSession, quick: Bool = false, transports: [Transport] = Transport.allCases,
        bulk: [any Workload.Type] = [],
        remedied: [any Workload.Type] = []
    ) {
        self.remedied = remedied
        self.transports = transports
        self.bulk = bulk
        self.worker = worker
        self.peer = peer
        self.noop = noop
        self.cpuBound = cpuBound
        self.growing = growing
        self.session = session
        self.quick = quick
        self.repetitions = quick ? 3 : 5
    }

    /// The runner of every cell the bench measures; its stuck tasks end the run.
    var runner: ExperimentRunner {
        session.experimentRunner(workerExecutable: worker, taskTimeoutSeconds: 300, batch: .automatic)
    }

    /// The raw pipe round trip, empty tasks and pool start-up are measured as `lab calibrate`
    /// measures them.
    var calibrator: Calibrator {
        Calibrator(worker: worker, peer: peer, noop: noop, roundTrips: quick ? 5_000 : 20_000, transports: transports)
    }

    /// Runs every measurement; `progress` hears the name of each before it starts.
    package func run(progress: (String) -> Void) throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []

        progress("raw pipe round trip")
        let roundTrip = try calibrator.roundTrip(over: TransportSettings(.pipe))[0]
        results.append(
            BenchmarkResult(
                measurement: "raw_pipe_round_trip", value: roundTrip.value, unit: "us",
                detail: roundTrip.detail + " (the floor)"))

        let processTasks = quick ? 10_000 : 100_000
        progress("noop, 1 worker process, \(processTasks) tasks, batch 1")
        let oneByOne = try taskCost(.processes, workers: 1, tasks: processTasks, batch: .fixed(1))
        results.append(
            BenchmarkResult(
                measurement: "process_task_cost_batch_1", value: oneByOne, unit: "us",
                detail:
                    "noop, 1 worker process, \(processTasks) tasks handed out one by one: (wall_s - startup_s) / "
                    + "tasks, median of \(repetitions)"
            ))
        let ratio = oneByOne / roundTrip.value
        results.append(
            BenchmarkResult(
                measurement: "process_task_over_round_trip", value: ratio, unit: "x", goal: .atMost(1.5),
                detail: "process_task_cost_batch_1 / raw_pipe_round_trip: what the lab adds to the pipe's own cost"))
        let batch = BatchSize.automatic.tasksPerClaim(taskCount: processTasks, workers: 1)
        progress("noop, 1 worker process, \(processTasks) tasks, batch auto (\(batch))")
        let batched = try taskCost(.processes, workers: 1, tasks: processTasks, batch: .automatic)
        results.append(
            BenchmarkResult(
                measurement: "process_task_cost_batch_auto", value: batched, unit: "us",
                detail:
                    "the same with --batch auto (\(batch) tasks per write): about "
                    + "\(Int((oneByOne / batched).rounded()))x cheaper per task"
            ))
        results += try transportFigures(pipeBatchOne: oneByOne, tasks: processTasks, progress: progress)
        if transports.contains(.shm) {
            results += try batchSweep(tasks: quick ? 2_000 : 20_000, progress: progress)
        }

        let threadTasks = quick ? 100_000 : 1_000_000
        let cores = max(Platform.activeProcessorCount, 2)
        progress("noop, 2 threads, \(threadTasks) tasks")
        let threadCost = try taskCost(.threads, workers: 2, tasks: threadTasks, batch: .fixed(1))
        results.append(
            BenchmarkResult(
                measurement: "thread_task_cost", value: threadCost, unit: "us", goal: .below(1),
                detail:
                    "noop, 2 threads, \(threadTasks) tasks handed out one by one: (wall_s - startup_s) / tasks, median "
                    + "of \(repetitions)"
            ))

        for batch in [BatchSize.automatic, .fixed(1)] {
            let size = batch.tasksPerClaim(taskCount: threadTasks, workers: 2)
            progress("noop, 2 threads, \(threadTasks) tasks, batch \(batch), with and without the timeline")
            let overhead = try recordingOverhead(tasks: threadTasks, batch: batch)
            let what =
                "noop, 2 threads, \(threadTasks) tasks, --batch \(batch) (\(size) per claim): median wall with the "
                + "timeline recorded / without"
            let timings =
                "\(Self.milliseconds(overhead.with)) against \(Self.milliseconds(overhead.without)) ms, medians of "
                + "\(overhead.samples) interleaved"
            if case .automatic = batch {
                results.append(
                    BenchmarkResult(
                        measurement: "timeline_overhead_batch_auto", value: overhead.ratio, unit: "x",
                        goal: Self.timelineGoal,
                        detail: "\(what) (the default of lab run); \(timings)"))
            } else {
                // Three clock readings per claim cost about as much as an empty task itself,
                // so one task per claim cannot meet the goal: context, not a goal.
                results.append(
                    BenchmarkResult(
                        measurement: "timeline_overhead_batch_1", value: overhead.ratio, unit: "x",
                        detail:
                            "\(what); \(timings); each claim reads the clock 3 times, about as long as an empty task"))
            }
        }

        progress("the counters' own cost")
        results += countersCost()

        progress("pool start-up, 1 and \(cores) workers")
        let single = try poolStartup(workers: 1)
        let pool = try poolStartup(workers: cores)
        results.append(
            BenchmarkResult(
                measurement: "spawn_to_ready", value: single * 1e3, unit: "ms",
                detail: "a pool of 1 'lab worker': Process.run until its ready frame, median of \(repetitions + 4)"))
        results.append(
            BenchmarkResult(
                measurement: "pool_startup_\(cores)_workers", value: pool * 1e3, unit: "ms",
                detail:
                    "a pool of \(cores) workers, spawned together, until every one is ready, median of "
                    + "\(repetitions + 4)"
            ))
        let startupRatio = pool / (Double(cores) * single)
        results.append(
            BenchmarkResult(
                measurement: "pool_startup_over_spawns", value: startupRatio, unit: "x", goal: .atMost(1),
                detail: "pool_startup_\(cores)_workers / (\(cores) x spawn_to_ready): below 1 where spawns overlap"))

        progress("a pool of \(cores) workers, spawned against forked")
        let starts = try calibrator.startMethods(workers: cores, count: repetitions + 4)
        if let ratio = starts.first(where: { $0.measurement == "forkserver_over_spawn" }) {
            results.append(
                BenchmarkResult(
                    measurement: "forkserver_pool_over_spawn_pool", value: ratio.value, unit: "x", goal: .atMost(0.3),
                    detail:
                        "a pool of \(cores) workers forked by a running fork server until every one is ready / the "
                        + "same pool spawned, medians of \(repetitions + 4), alternating"
                ))
        }

        progress("\(cpuBound.name), sequential against 2 threads and 2 processes")
        results += try scaling()
        if transports.contains(.shm) {
            for type in bulk {
                progress("\(type.name), 2 threads against 2 processes over pipes and over shm")
                results += try bulkOverSharedMemory(type)
            }
        }
        if transports.contains(.shm) {
            for type in remedied {
                progress("\(type.name), 2 threads against 2 processes with every remedy")
                results += try remedies(type)
            }
        }
        for type in growing {
            for choice in Self.growthSettings(of: type, quick: quick) {
                let setting = choice.map { " (\($0.name)=\($0.value))" } ?? ""
                progress("\(type.name)\(setting), sequential, at its size and at double that size")
                results.append(try growth(of: type, choosing: choice))
            }
        }
        return results
    }

    /// What the growth check runs a workload with: its defaults (`nil`), then each other value
    /// of each of its choice parameters that sequential mode accepts. A branch of a workload
    /// that only a non-default choice takes can lose its work to the optimiser too: the
    /// refcount target of `contention` did.
    static func growthSettings(of type: any Workload.Type, quick: Bool) -> [(name: String, value: String)?] {
        var settings: [(name: String, value: String)?] = [nil]
        for spec in type.parameters {
            guard case .choice(let values) = spec.type else { continue }
            for value in values where value != (quick ? spec.quickValue : spec.defaultValue) {
                guard let parameters = try? type.parameters(overriding: [spec.name: value], quick: quick),
                    type.refusal(for: .sequential, parameters: parameters) == nil
                else { continue }
                settings.append((spec.name, value))
            }
        }
        return settings
    }

    /// `seconds` in milliseconds, to two decimals.
    static func milliseconds(_ seconds: Double) -> String {
        String((seconds * 1e5).rounded() / 100)
    }
}
