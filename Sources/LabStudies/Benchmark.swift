import LabCore

/// A goal a figure of `lab bench` is held to, written once: its text and its check come from
/// the same value.
public enum BenchmarkGoal: Sendable, Equatable {
    case atMost(Double)
    case below(Double)
    case atLeast(Double)

    /// As `bench.csv` and the table show it: `<= 1.5`.
    public var text: String {
        switch self {
        case .atMost(let bound): "<= \(bound.shortText)"
        case .below(let bound): "< \(bound.shortText)"
        case .atLeast(let bound): ">= \(bound.shortText)"
        }
    }

    /// The number the goal compares with: `1.5` of `<= 1.5`.
    public var bound: Double {
        switch self {
        case .atMost(let bound), .below(let bound), .atLeast(let bound): bound
        }
    }

    public func isMet(by value: Double) -> Bool {
        switch self {
        case .atMost(let bound): value <= bound
        case .below(let bound): value < bound
        case .atLeast(let bound): value >= bound
        }
    }
}

/// One figure of `lab bench`: a row of `bench.csv`, with the goal it is held to.
public struct BenchmarkResult: Sendable, Equatable {
    /// Such as `thread_task_cost`.
    public var measurement: String
    public var value: Double
    /// `us`, `ms` or `x` (a ratio).
    public var unit: String
    /// `nil` for a figure that is only context.
    public var goal: BenchmarkGoal?
    public var detail: String

    public init(measurement: String, value: Double, unit: String, goal: BenchmarkGoal? = nil, detail: String) {
        self.measurement = measurement
        self.value = value
        self.unit = unit
        self.goal = goal
        self.detail = detail
    }

    /// Whether `value` meets the goal; `nil` without a goal.
    public var meetsGoal: Bool? { goal.map { $0.isMet(by: value) } }
}

/// The lab's benchmark of its own overhead near the machine's limits, with the settings of
/// issue 7: each figure is a ratio taken within one run (or a per-task cost far above the
/// clock's resolution), so that a busy shared machine shifts both sides alike.
public struct Benchmark: Sendable {
    /// How a `lab worker` and the raw pipe peer are started.
    public let worker: WorkerCommand
    public let peer: WorkerCommand
    /// The empty workload, for per-task costs and start-up.
    public let noop: any Workload.Type
    /// The CPU-bound workload whose scaling is checked (`primes`).
    public let cpuBound: any Workload.Type
    /// Sizes: the issue's by default; about a tenth with `quick`.
    public let quick: Bool
    /// Measured repetitions per figure (median taken).
    public let repetitions: Int

    /// The workloads whose time must grow with their size (every workload of the default
    /// plan, or those the user names).
    public let growing: [any Workload.Type]
    /// Where every measured repetition goes.
    public let session: RunSession
    /// The transports whose figures are measured beside the pipe's (`--transport`): the
    /// `shm` goals need `shm`.
    public let transports: [Transport]
    /// Workloads that move bytes or compute in bulk (`digest`, `mandelbrot`): processes over
    /// `shm` are held to within 10% of threads on them.
    public let bulk: [any Workload.Type]
    /// Workloads held to within 5% of threads with every remedy of a process applied
    /// (`shm`, a mapped dataset where they have one, workers forked by a fork server).
    public let remedied: [any Workload.Type]

    /// How much longer a workload's sequential cell must take at double its size: less means
    /// the work (or part of it) was removed, or does not depend on the size.
    public static let growthGoal = BenchmarkGoal.atLeast(1.5)

    public init(
        worker: WorkerCommand, peer: WorkerCommand, noop: any Workload.Type, cpuBound: any Workload.Type, growing: [any Workload.Type],
        session: RunSession, quick: Bool = false, transports: [Transport] = Transport.allCases, bulk: [any Workload.Type] = [],
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
        session.runner(workerCommand: worker, taskTimeoutSeconds: 300, batch: .automatic)
    }

    /// The raw pipe round trip, empty tasks and pool start-up are measured as `lab calibrate`
    /// measures them.
    var calibrator: Calibrator {
        Calibrator(worker: worker, peer: peer, noop: noop, roundTrips: quick ? 5_000 : 20_000, transports: transports)
    }

    /// Runs every measurement; `progress` hears the name of each before it starts.
    public func run(progress: (String) -> Void) throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []

        progress("raw pipe round trip")
        let roundTrip = try calibrator.roundTrip(over: TransportSettings(.pipe))[0]
        results.append(BenchmarkResult(measurement: "raw_pipe_round_trip", value: roundTrip.value, unit: "us", detail: roundTrip.detail + " (the floor)"))

        let processTasks = quick ? 10_000 : 100_000
        progress("noop, 1 worker process, \(processTasks) tasks, batch 1")
        let oneByOne = try taskCost(.processes, workers: 1, tasks: processTasks, batch: .fixed(1))
        results.append(
            BenchmarkResult(
                measurement: "process_task_cost_batch_1", value: oneByOne, unit: "us",
                detail: "noop, 1 worker process, \(processTasks) tasks handed out one by one: (wall_s - startup_s) / tasks, median of \(repetitions)"))
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
                detail: "the same with --batch auto (\(batch) tasks per write): about \(Int((oneByOne / batched).rounded()))x cheaper per task"))
        results += try transportFigures(pipeBatchOne: oneByOne, tasks: processTasks, progress: progress)

        let threadTasks = quick ? 100_000 : 1_000_000
        let cores = max(Platform.activeProcessorCount, 2)
        progress("noop, 2 threads, \(threadTasks) tasks")
        let threadCost = try taskCost(.threads, workers: 2, tasks: threadTasks, batch: .fixed(1))
        results.append(
            BenchmarkResult(
                measurement: "thread_task_cost", value: threadCost, unit: "us", goal: .below(1),
                detail: "noop, 2 threads, \(threadTasks) tasks handed out one by one: (wall_s - startup_s) / tasks, median of \(repetitions)"))

        for batch in [BatchSize.automatic, .fixed(1)] {
            let size = batch.tasksPerClaim(taskCount: threadTasks, workers: 2)
            progress("noop, 2 threads, \(threadTasks) tasks, batch \(batch), with and without the timeline")
            let overhead = try recordingOverhead(tasks: threadTasks, batch: batch)
            let what = "noop, 2 threads, \(threadTasks) tasks, --batch \(batch) (\(size) per claim): median wall with the timeline recorded / without"
            let timings = "\(Self.milliseconds(overhead.with)) against \(Self.milliseconds(overhead.without)) ms, medians of \(overhead.samples) interleaved"
            if case .automatic = batch {
                results.append(
                    BenchmarkResult(
                        measurement: "timeline_overhead_batch_auto", value: overhead.ratio, unit: "x", goal: Self.timelineGoal,
                        detail: "\(what) (the default of lab run); \(timings)"))
            } else {
                // Three clock readings per claim cost about as much as an empty task itself,
                // so one task per claim cannot meet the goal: context, not a goal.
                results.append(
                    BenchmarkResult(
                        measurement: "timeline_overhead_batch_1", value: overhead.ratio, unit: "x",
                        detail: "\(what); \(timings); each claim reads the clock 3 times, about as long as an empty task"))
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
                detail: "a pool of \(cores) workers, spawned together, until every one is ready, median of \(repetitions + 4)"))
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
                    detail: "a pool of \(cores) workers forked by a running fork server until every one is ready / the same pool spawned, medians of \(repetitions + 4), alternating"))
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
                results.append(try remedies(type))
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

    /// How much longer empty tasks take when each repetition records its timeline.
    public static let timelineGoal = BenchmarkGoal.atMost(1.05)

    /// Empty tasks on 2 threads, with and without recording the timeline, in alternating
    /// order after a warm-up of each: the ratio of the median walls.
    func recordingOverhead(tasks: Int, batch: BatchSize) throws -> (ratio: Double, with: Double, without: Double, samples: Int) {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: tasks)
        let cell = Cell(workload: workload, mode: .threads, workers: 2)
        let runners = [true, false].map {
            ExperimentRunner(runID: "bench", workerCommand: worker, registry: ChildProcessRegistry(), batch: batch, recordsTimelines: $0)
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
                detail: "2 readings of /proc/stat and /proc/pressure/cpu and 4 of a thread's schedstat and sched: what a 2-thread repetition adds, median of 5 loops of \(rounds)"),
            BenchmarkResult(
                measurement: "counters_cost_per_worker", value: worker, unit: "us",
                detail: "a worker's report as it finishes (getrusage, its schedstat and sched, smaps_rollup), read in this process, median of 5 loops of \(rounds); smaps_rollup walks every mapping, and this coordinator maps more than a worker does, so a worker pays less"),
        ]
    }

    /// An empty task's cost in `mode`, in microseconds (see ``Calibrator/taskSeconds(_:workers:tasks:batch:samples:)``).
    func taskCost(_ mode: ExecutionMode, workers: Int, tasks: Int, batch: BatchSize, transport: Transport = .default) throws -> Double {
        try calibrator.taskSeconds(mode, workers: workers, tasks: tasks, batch: batch, samples: repetitions, transport: transport) * 1e6
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
            results.append(BenchmarkResult(measurement: "raw_\(name)_round_trip", value: raw[0].value, unit: "us", detail: raw[0].detail))
            results.append(BenchmarkResult(measurement: "raw_\(name)_round_trip_cpu", value: raw[1].value, unit: "us", detail: raw[1].detail))
            let oneByOne = try taskCost(.processes, workers: 1, tasks: tasks, batch: .fixed(1), transport: transport)
            results.append(
                BenchmarkResult(
                    measurement: "process_task_cost_batch_1_\(name)", value: oneByOne, unit: "us",
                    detail: "noop, 1 worker process over \(name), \(tasks) tasks one by one: (wall_s - startup_s) / tasks, median of \(repetitions)"))
            guard transport == .shm else { continue }
            results.append(
                BenchmarkResult(
                    measurement: "shm_task_over_pipe_task_batch_1", value: oneByOne / pipeBatchOne, unit: "x", goal: .atMost(0.25),
                    detail: "process_task_cost_batch_1_shm / process_task_cost_batch_1: what shared memory and a bounded spin save on each wake-up"))
            let batch = BatchSize.automatic.tasksPerClaim(taskCount: tasks, workers: 1)
            let batched = try taskCost(.processes, workers: 1, tasks: tasks, batch: .automatic, transport: .shm)
            results.append(
                BenchmarkResult(
                    measurement: "process_task_cost_batch_auto_shm", value: batched, unit: "us", goal: .atMost(0.5),
                    detail: "noop, 1 worker process over shm, \(tasks) tasks with --batch auto (\(batch) per claim, each task published as it is encoded)"))
        }
        return results
    }

    /// `type` at its default size (quick size with `quick`) on 2 threads and 2 processes over
    /// pipes and over `shm`, interleaved: how close shared memory brings processes to threads.
    func bulkOverSharedMemory(_ type: any Workload.Type) throws -> [BenchmarkResult] {
        let parameters = try type.parameters(overriding: [:], quick: quick)
        let workload = try ConfiguredWorkload(type: type, parameters: parameters)
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.threads, .processes], workerCounts: [2], repetitions: repetitions, warmup: 1, transports: [.pipe, .shm])
        let records = try session.run(plan, with: runner)
        try ChecksumProof.check(records)
        if let failed = records.first(where: { $0.status == .failed }) {
            throw LabFailure("\(type.name) \(failed.cellLabel) failed: \(failed.error ?? "")")
        }
        func median(_ mode: ExecutionMode, _ transport: Transport?) -> Double {
            Statistics.median(records.filter { $0.mode == mode && $0.transport == transport }.map(\.wallSeconds)) ?? .nan
        }
        let threads = median(.threads, nil)
        let (pipe, shm) = (median(.processes, .pipe), median(.processes, .shm))
        let size = "\(type.name) \(parameters.canonicalText), \(workload.taskCount) tasks, 2 workers, medians of \(repetitions)"
        return [
            BenchmarkResult(
                measurement: "\(type.name)_pipe_over_threads", value: pipe / threads, unit: "x",
                detail: "\(size): processes over pipes \(Self.milliseconds(pipe)) ms / threads \(Self.milliseconds(threads)) ms"),
            BenchmarkResult(
                measurement: "\(type.name)_shm_over_threads", value: shm / threads, unit: "x", goal: .atMost(1.1),
                detail: "\(size): processes over shm \(Self.milliseconds(shm)) ms / threads \(Self.milliseconds(threads)) ms"),
        ]
    }

    /// `type` at its default size (quick size with `quick`) on 2 threads and on 2 processes
    /// over `shm`, forked by a fork server, mapping its dataset if it has one, interleaved:
    /// what is left of a process's cost once every remedy the lab has is applied.
    func remedies(_ type: any Workload.Type) throws -> BenchmarkResult {
        let parameters = try type.parameters(overriding: [:], quick: quick)
        let workload = try ConfiguredWorkload(type: type, parameters: parameters)
        let plan = ExperimentPlan(
            workloads: [workload], modes: [.threads, .processes], workerCounts: [2], repetitions: repetitions, warmup: 1, transports: [.shm],
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
        return BenchmarkResult(
            measurement: "\(type.name)_remedies_over_threads", value: processes / threads, unit: "x", goal: .atMost(1.05),
            detail: "\(type.name) \(parameters.canonicalText), \(workload.taskCount) tasks, medians of \(repetitions): \(label) \(Self.milliseconds(processes)) ms / threads x2 \(Self.milliseconds(threads)) ms")
    }

    /// The CPU-bound workload at its default size: sequential, 2 threads and 2 processes,
    /// interleaved, one warm-up and `repetitions` measured rounds; speedups of the medians.
    func scaling() throws -> [BenchmarkResult] {
        let parameters = try cpuBound.parameters(overriding: [:], quick: quick)
        let workload = try ConfiguredWorkload(type: cpuBound, parameters: parameters)
        let measured = try ModeComparison(measuring: workload, workers: 2, repetitions: repetitions, runner: runner, session: session)
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
    func growth(of type: any Workload.Type, choosing choice: (name: String, value: String)? = nil) throws -> BenchmarkResult {
        let base = try type.parameters(overriding: choice.map { [$0.name: $0.value] } ?? [:], quick: quick)
        let label = type.name + (choice.map { " \($0.name)=\($0.value)" } ?? "")
        let baseTasks = type.defaultTaskCount(for: base)
        let small: ConfiguredWorkload
        let large: ConfiguredWorkload
        let what: String
        if let name = type.sizeParameter, let spec = type.parameters.first(where: { $0.name == name }), let range = spec.integerRange {
            let size = base.integer(name)
            // Double the size, or halve it when doubling leaves the parameter's range.
            let (lower, upper) = size <= range.upperBound / 2 ? (size, size * 2) : (max(size / 2, range.lowerBound), size)
            small = try ConfiguredWorkload(type: type, parameters: try base.setting(name, to: String(lower)), taskCount: baseTasks)
            large = try ConfiguredWorkload(type: type, parameters: try base.setting(name, to: String(upper)), taskCount: baseTasks)
            what = "\(name) \(lower) and \(upper)"
        } else {
            small = try ConfiguredWorkload(type: type, parameters: base, taskCount: baseTasks)
            large = try ConfiguredWorkload(type: type, parameters: base, taskCount: baseTasks * 2)
            what = "\(baseTasks) and \(baseTasks * 2) tasks"
        }
        let plan = ExperimentPlan(workloads: [small, large], modes: [.sequential], workerCounts: [1], repetitions: repetitions, warmup: 1)
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
            measurement: "\(type.name)_growth" + (choice.map { "_\($0.name)_\($0.value)" } ?? ""), value: largeSeconds / smallSeconds, unit: "x",
            goal: Self.growthGoal,
            detail: "\(label) sequential at \(what): \(Self.milliseconds(smallSeconds)) and \(Self.milliseconds(largeSeconds)) ms, medians of \(repetitions); "
                + "below \(Self.growthGoal.bound.shortText)x the work does not grow with its size (removed by the optimiser?)")
    }

    private static func milliseconds(_ seconds: Double) -> String {
        String((seconds * 1e5).rounded() / 100)
    }
}
