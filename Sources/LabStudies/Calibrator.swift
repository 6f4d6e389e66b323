import Glibc
import LabCore
import LabReport

/// Measures, on this machine, the costs that decide the thread-versus-process trade-off.
package struct Calibrator: Sendable {
    /// How to start a `lab worker`, for spawn costs and the lab's own task costs.
    package let worker: WorkerExecutable
    /// How to start the raw pipe peer; the peer's mode (`echo`, `sink`) is added to its arguments.
    package let peer: WorkerExecutable
    /// An empty workload (`noop`), for the lab's own per-task cost in each mode.
    package let noop: any Workload.Type
    /// Round trips per pipe measurement.
    package let roundTrips: Int
    /// Tasks per mode for the per-task cost.
    package let tasks: Int
    /// The transports whose round trips and per-task costs are measured (`--transport`).
    package let transports: [Transport]
    /// Polls before a side of `shm` sleeps (`--spin`).
    package let spinPolls: Int
    /// Fewer samples of each (`--quick`): a check that it works, with rougher figures.
    package let quick: Bool

    package init(
        worker: WorkerExecutable, peer: WorkerExecutable, noop: any Workload.Type, roundTrips: Int = 20_000,
        tasks: Int = 20_000,
        transports: [Transport] = Transport.allCases, spinPolls: Int = Transport.defaultSpinPolls, quick: Bool = false
    ) {
        self.quick = quick
        self.transports = transports
        self.spinPolls = spinPolls
        self.worker = worker
        self.peer = peer
        self.noop = noop
        self.roundTrips = quick ? roundTrips / 10 : roundTrips
        self.tasks = quick ? tasks / 10 : tasks
    }

    /// Runs every measurement; `progress` hears the name of each before it starts.
    package func run(progress: (String) -> Void) throws -> [CalibrationResult] {
        var results = [Self.cores]
        progress("thread create and join")
        let samples = quick ? 3 : 10
        results.append(threadCreateJoin(count: quick ? 200 : 2000))
        results.append(try threadPoolStart(count: samples))
        progress("process spawn to ready")
        results.append(try spawnToReady(count: samples))
        results += try spawnParts(count: samples)
        progress("a pool's start: spawn against forkserver")
        results += try startMethods(workers: 2, count: samples)
        results += try startupPerWorker(sizes: quick ? [1, 8] : [1, 4, 16, 64, 256], count: quick ? 1 : 3)
        progress("process spawn with many open descriptors")
        results += try spawnWithOpenDescriptors(levels: Self.descriptorLevels, count: quick ? 3 : 15)
        let cores = Platform.activeProcessorCount
        var raw: [Transport: Double] = [:]
        for transport in transports {
            progress("raw \(transport.rawValue) round trip")
            let settings = TransportSettings(transport, spinPolls: spinPolls)
            let unpinned = try roundTrip(over: settings)
            raw[transport] = unpinned[0].value
            results += unpinned
            results += try roundTrip(over: settings, cpus: (0, 0))
            if cores >= 2 { results += try roundTrip(over: settings, cpus: (0, 1)) }
            if transport == .shm, spinPolls != 0 {
                // The same without spinning: what the futex alone costs.
                results += try roundTrip(over: TransportSettings(.shm, spinPolls: 0), suffix: "_spin_0")
            }
        }
        progress("a minor page fault, private and shared")
        results += try pageFaultCosts(mebibytes: quick ? 16 : 64, samples: quick ? 2 : 5)
        for transport in transports {
            progress("\(transport.rawValue) bandwidth")
            results.append(
                try bandwidth(
                    over: TransportSettings(transport, spinPolls: spinPolls), bytes: quick ? 32 << 20 : 256 << 20,
                    samples: quick ? 1 : 3))
        }
        for mode in ExecutionMode.allCases {
            for transport in mode == .processes ? transports : [.pipe] {
                let over = mode == .processes && transport != .default ? " over \(transport.rawValue)" : ""
                progress("per-task cost, \(mode.rawValue)\(over)")
                let result = try taskCost(mode, transport: transport)
                results.append(result)
                if mode == .threads || mode == .processes {
                    results.append(try taskCost(mode, transport: transport, batch: 64))
                }
                if mode == .processes, let floor = raw[transport] {
                    let name =
                        transport == .default
                        ? "processes_task_over_raw_round_trip"
                        : "processes_\(transport.rawValue)_task_over_raw_round_trip"
                    results.append(
                        CalibrationResult(
                            measurement: name, value: result.value / floor, unit: "x", samples: 1,
                            detail:
                                "the lab's per-task cost with 1 worker process\(over) / the unpinned raw "
                                + "\(transport.rawValue) round trip"
                                + (transport == .pipe ? " (goal: at most 1.5)" : "")))
                }
            }
        }
        return results
    }

    /// The cores this process may run on: a prediction from these costs shares its lanes out
    /// over them.
    static var cores: CalibrationResult {
        CalibrationResult(
            measurement: "cores", value: Double((try? Platform.allowedCPUs().count) ?? Platform.activeProcessorCount),
            unit: "count", samples: 1,
            detail:
                "the cores the lab may run on (its CPU affinity), which a prediction from these costs shares its lanes "
                + "over"
        )
    }

    /// A raw round trip over `transport` as a result row (`pipe_round_trip_same_core`, ...),
    /// and the CPU both sides used for it.
    func roundTrip(
        over transport: TransportSettings, cpus: (coordinator: Int, peer: Int)? = nil, suffix: String = ""
    ) throws -> [CalibrationResult] {
        let measured = try rawRoundTrip(over: transport, cpus: cpus)
        let (placement, whereText) =
            switch cpus {
            case nil: ("", "wherever the scheduler puts the two processes")
            case let cpus? where cpus.coordinator == cpus.peer:
                ("_same_core", "both processes pinned to CPU \(cpus.peer)")
            case let cpus?: ("_cross_core", "processes pinned to CPUs \(cpus.coordinator) and \(cpus.peer)")
            }
        let name = "\(transport.kind.rawValue)_round_trip\(placement)\(suffix)"
        let how: String =
            switch transport.kind {
            case .pipe: "on raw pipes (read/write)"
            case .socketpair: "on a raw Unix socket pair (read/write)"
            case .shm: "through shared-memory rings, \(transport.spinPolls) polls before a futex sleep"
            }
        return [
            CalibrationResult(
                measurement: name, value: measured.seconds * 1e6, unit: "us", samples: roundTrips,
                detail: "8 bytes there and back \(how), \(whereText), mean"),
            CalibrationResult(
                measurement: name + "_cpu", value: measured.cpuSeconds * 1e6, unit: "us", samples: roundTrips,
                detail:
                    "CPU time of both processes per round trip of \(name) (user + system; about 2x the round trip when "
                    + "both spin)"
            ),
        ]
    }

    /// One-way bandwidth over `transport` (``rawBandwidth(over:bytes:)``) as a result row,
    /// `pipe_bandwidth` and so on, median of `samples`.
    func bandwidth(over transport: TransportSettings, bytes: Int, samples: Int) throws -> CalibrationResult {
        // Across two cores, where a worker reads what the coordinator writes: unpinned, the
        // figure depended on where the scheduler put the two (647 to 1,736 MiB/s for a pipe
        // here, an hour apart).
        let cpus = (try? Platform.allowedCPUs()).flatMap { $0.count >= 2 ? (coordinator: $0[0], peer: $0[1]) : nil }
        let rates = try (0..<samples).map { _ in try rawBandwidth(over: transport, bytes: bytes, cpus: cpus) }
        let how: String =
            switch transport.kind {
            case .pipe: "on a raw pipe"
            case .socketpair: "on a raw Unix socket pair"
            case .shm: "through a shared-memory ring"
            }
        return CalibrationResult(
            measurement: "\(transport.kind.rawValue)_bandwidth",
            value: Statistics.median(rates).map { $0 / 1_048_576 } ?? .nan, unit: "MiB/s",
            samples: samples,
            detail:
                "\(bytes >> 20) MiB in 64 KiB writes \(how) to a child that reads and counts them, "
                + "\(cpus == nil ? "unpinned" : "the two on two cores"), median; its inverse is what moving a MiB "
                + "costs"
        )
    }

    /// An empty task's cost with one lane, handed out `batch` at a time: `task_cost_threads`,
    /// `task_cost_processes_shm_batch_64` and so on.
    func taskCost(_ mode: ExecutionMode, transport: Transport = .default, batch: Int = 1) throws -> CalibrationResult {
        let over = mode == .processes && transport != .pipe ? "_\(transport.rawValue)" : ""
        let batched = batch == 1 ? "" : "_batch_\(batch)"
        return CalibrationResult(
            measurement: "task_cost_\(mode.rawValue)\(over)\(batched)",
            value: try taskSeconds(
                mode, workers: 1, tasks: tasks, batch: .fixed(batch), samples: 3, transport: transport) * 1e6,
            unit: "us", samples: 3,
            detail:
                "an empty task with 1 "
                + "worker\(over.isEmpty ? "" : " over \(transport.rawValue)")"
                + "\(batch == 1 ? "" : ", \(batch) to a claim"), start-up excluded: (wall_s - startup_s) / "
                + "\(tasks) tasks, median of 3"
        )
    }

    /// An empty task's cost in `mode` with `workers`: after one warm-up, the median over
    /// `samples` repetitions of (wall - start-up) / `tasks`, in seconds.
    func taskSeconds(
        _ mode: ExecutionMode, workers: Int, tasks: Int, batch: BatchSize, samples: Int, transport: Transport = .default
    ) throws -> Double {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: tasks)
        let runner = ExperimentRunner(
            runID: "calibrate", workerExecutable: worker, registry: ChildProcessRegistry(), batch: batch,
            spinPolls: spinPolls)
        let cell = Cell(workload: workload, mode: mode, workers: workers, transport: transport)
        /// A failed repetition has no cost to report: it ends the measurement.
        func measured(_ repetition: Int) throws -> RepetitionRecord {
            let record = runner.measure(cell, repetition: repetition)
            guard record.status == .ok else { throw LabFailure("noop \(cell.label) failed: \(record.error ?? "")") }
            return record
        }
        _ = try measured(0)
        let perTask = try (1...samples).map { try measured($0) }.map {
            ($0.wallSeconds - $0.startupSeconds) / Double(tasks)
        }
        return Statistics.median(perTask) ?? 0
    }
}

extension Calibrator {
    /// The unit costs a run's speedup stacks need, measured quickly (about a quarter of a
    /// second on a 2-core machine) for a run that has no calibration at hand: the page faults
    /// and giving memory back (8 MiB, 2 samples); for threads and async, an empty task's
    /// hand-out; for processes over each transport, its bandwidth (16 MiB once) and a pool of
    /// one noop worker (500 tasks at batch 1 after a warm-up: the hand-out, the spawn until
    /// ready and the worker's own faults) and 2,000 tasks 64 at a time; with the fork server,
    /// a forked pool of two.
    /// Rougher than `lab calibrate`'s, and said to be.
    package func quickUnitCosts(
        modes: [ExecutionMode], transports: [Transport], starts: [WorkerStart]
    ) throws -> [CalibrationResult] {
        var results = try [Self.cores] + pageFaultCosts(mebibytes: 8, samples: 2)
        if modes.contains(.threads) { results += [threadCreateJoin(count: 100), try threadPoolStart(count: 2)] }
        for mode in [ExecutionMode.sequential] + modes where mode != .processes {
            for batch in mode == .threads ? [1, 64] : [1] {
                let seconds = try taskSeconds(mode, workers: 1, tasks: 2000, batch: .fixed(batch), samples: 1)
                let name = "task_cost_\(mode.rawValue)" + (batch == 1 ? "" : "_batch_\(batch)")
                results.append(
                    CalibrationResult(measurement: name, value: seconds * 1e6, unit: "us", samples: 1, detail: "quick"))
            }
        }
        guard modes.contains(.processes) else { return results }
        for transport in transports {
            results.append(
                try bandwidth(over: TransportSettings(transport, spinPolls: spinPolls), bytes: 16 << 20, samples: 1))
            let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 500)
            let runner = ExperimentRunner(
                runID: "unit-costs", workerExecutable: worker, registry: ChildProcessRegistry(), batch: .fixed(1),
                spinPolls: spinPolls)
            let cell = Cell(workload: workload, mode: .processes, workers: 1, transport: transport)
            var record = runner.measure(cell, repetition: 0)
            if record.status == .ok { record = runner.measure(cell, repetition: 1) }
            guard record.status == .ok else { throw LabFailure("noop \(cell.label) failed: \(record.error ?? "")") }
            let over = transport == .pipe ? "" : "_\(transport.rawValue)"
            results.append(
                CalibrationResult(
                    measurement: "task_cost_processes\(over)",
                    value: (record.wallSeconds - record.startupSeconds) / 500 * 1e6, unit: "us", samples: 1,
                    detail: "quick"))
            let batched = try taskSeconds(
                .processes, workers: 1, tasks: 2000, batch: .fixed(64), samples: 1, transport: transport)
            results.append(
                CalibrationResult(
                    measurement: "task_cost_processes\(over)_batch_64", value: batched * 1e6, unit: "us", samples: 1,
                    detail: "quick"))
            guard transport == transports.first else { continue }
            results.append(
                CalibrationResult(
                    measurement: "process_spawn_to_ready", value: record.startupSeconds * 1e3, unit: "ms", samples: 1,
                    detail: "quick"))
            results += try spawnParts(count: 1)
            if let teardown = record.breakdown?.seconds(of: "teardown") {
                results.append(
                    CalibrationResult(
                        measurement: "worker_teardown", value: teardown * 1e3, unit: "ms", samples: 1, detail: "quick"))
            }
            if let unique = record.counters.workersMemory?.uniqueKiB {
                results.append(
                    CalibrationResult(
                        measurement: "worker_uss_spawn", value: Double(unique), unit: "KiB", samples: 1, detail: "quick"
                    ))
            }
            if let faults = record.counters.workersMinorFaults {
                results.append(
                    CalibrationResult(
                        measurement: "worker_minor_faults_spawn", value: Double(faults), unit: "faults", samples: 1,
                        detail: "quick"))
            }
        }
        if starts.contains(.forkserver) {
            results += try startMethods(workers: 2, count: 1).filter { $0.measurement.hasSuffix("forkserver") }
        }
        return results
    }
}
