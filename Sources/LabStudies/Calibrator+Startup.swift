import Glibc
import LabCore
import LabReport

extension Calibrator {
    func threadCreateJoin(count: Int) -> CalibrationResult {
        let clock = Stopwatch()
        for _ in 0..<count {
            (try? JoinableThread {})?.join()
        }
        return CalibrationResult(
            measurement: "thread_create_join", value: clock.elapsedSeconds / Double(count) * 1e6, unit: "us",
            samples: count,
            detail: "pthread_create plus pthread_join of an empty thread, mean")
    }

    /// A pool of two threads until both are ready: the start-up part of a noop cell on two
    /// threads (after a warm-up), median of `count`.
    func threadPoolStart(count: Int) throws -> CalibrationResult {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 2)
        let runner = ExperimentRunner(runID: "calibrate", workerExecutable: worker, registry: ChildProcessRegistry())
        let cell = Cell(workload: workload, mode: .threads, workers: 2)
        var starts: [Double] = []
        for repetition in 0...count {
            let record = runner.measure(cell, repetition: repetition)
            guard record.status == .ok, let parts = record.breakdown else {
                throw LabFailure("noop \(cell.label) failed: \(record.error ?? "")")
            }
            if repetition > 0 { starts.append(parts.seconds(of: "startup") * 1e3) }
        }
        return CalibrationResult(
            measurement: "threads_pool_of_2_ready", value: Statistics.median(starts) ?? .nan, unit: "ms",
            samples: count,
            detail: "a pool of 2 threads until both are ready: the start-up part of a noop cell, median")
    }

    func spawnToReady(count: Int) throws -> CalibrationResult {
        CalibrationResult(
            measurement: "process_spawn_to_ready",
            value: try poolStartupSeconds(workers: 1, samples: count, warmups: 0) * 1e3, unit: "ms",
            samples: count, detail: "Process.run of 'lab worker' until its ready frame, median")
    }

    /// A worker's start in two parts, from the timelines of `count` one-worker noop cells
    /// (after a warm-up): `Process.run()` itself (posix_spawn, with the file actions Foundation
    /// prepares), and from its return until the worker's ready frame (the child loads the
    /// binary, starts the runtime, builds the workload and answers).
    func spawnParts(count: Int) throws -> [CalibrationResult] {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 1)
        let runner = ExperimentRunner(runID: "calibrate", workerExecutable: worker, registry: ChildProcessRegistry())
        let cell = Cell(workload: workload, mode: .processes, workers: 1)
        var spawn: [Double] = []
        var load: [Double] = []
        var teardown: [Double] = []
        for repetition in 0...count {
            let (record, timeline) = runner.measureWithTimeline(cell, repetition: repetition)
            guard record.status == .ok, let timeline else {
                throw LabFailure("a noop worker failed to start: \(record.error ?? "")")
            }
            func time(_ kind: LaneEvent.Kind) -> UInt64? {
                timeline.events.first { $0.lane == 0 && $0.kind == kind }?.at
            }
            guard let asked = time(.spawn), let started = time(.spawned), let ready = time(.workerReady) else {
                throw LabFailure("a noop worker's timeline lacks its spawn or ready event")
            }
            if repetition > 0 {
                spawn.append(Double(started - asked) / 1e6)
                load.append(Double(ready - started) / 1e6)
                if let parts = record.breakdown { teardown.append(parts.seconds(of: "teardown") * 1e3) }
            }
        }
        return [
            CalibrationResult(
                measurement: "process_spawn", value: Statistics.median(spawn) ?? .nan, unit: "ms", samples: count,
                detail: "Process.run() of 'lab worker' alone: posix_spawn with the file actions Foundation adds, median"
            ),
            CalibrationResult(
                measurement: "process_spawned_to_ready", value: Statistics.median(load) ?? .nan, unit: "ms",
                samples: count,
                detail:
                    "from Process.run() returning until the worker's ready frame (loading, runtime start, setup), "
                    + "median"
            ),
            CalibrationResult(
                measurement: "worker_teardown", value: Statistics.median(teardown) ?? .nan, unit: "ms", samples: count,
                detail:
                    "a noop worker's end, from its last task until it is reaped (its report, its exit, the wait): the "
                    + "teardown part, median"
            ),
        ]
    }

    /// How many descriptors the coordinator holds open for the spawn-cost measurements.
    static let descriptorLevels = [10, 1_000, 10_000]

    /// `Process.run()` of `/bin/true` while the coordinator has about `levels` descriptors
    /// open (copies of /dev/null), median of `count` after a warm-up each. Foundation adds a
    /// close action for every descriptor from 3 up to the highest open one, so this grows
    /// with the descriptors a program holds.
    func spawnWithOpenDescriptors(levels: [Int], count: Int) throws -> [CalibrationResult] {
        let limit = try Platform.openFileLimit()
        var results: [CalibrationResult] = []
        for level in levels {
            let name = "process_spawn_with_\(level)_fds"
            let open = try Platform.openDescriptorCount()
            guard level + 16 <= limit.hard else {
                results.append(
                    CalibrationResult(
                        measurement: name, value: .nan, unit: "ms", samples: 0,
                        detail: "not measured: the hard limit on open files (RLIMIT_NOFILE) is \(limit.hard)"))
                continue
            }
            if level + 16 > limit.soft { try Platform.setOpenFileLimit(soft: level + 16, hard: limit.hard) }
            var extra: [Int32] = []
            defer {
                extra.forEach { Platform.close($0) }
                if level + 16 > limit.soft { try? Platform.setOpenFileLimit(soft: limit.soft, hard: limit.hard) }
            }
            let devNull = try Platform.openForReading("/dev/null")
            extra.append(devNull)
            while open + extra.count < level {
                extra.append(try Platform.duplicate(devNull))
            }
            var samples: [Double] = []
            for sample in 0...count {
                let process = Platform.Subprocess("/bin/true", arguments: [])
                let clock = Stopwatch()
                try process.run()
                let seconds = clock.elapsedSeconds
                process.wait()
                if sample > 0 { samples.append(seconds * 1e3) }
            }
            results.append(
                CalibrationResult(
                    measurement: name, value: Statistics.median(samples) ?? .nan, unit: "ms", samples: count,
                    detail:
                        "Process.run() of /bin/true with \(open + extra.count) descriptors open in the coordinator, "
                        + "median"
                ))
        }
        if let first = results.first?.value, let last = results.last?.value, first.isFinite, last.isFinite, first > 0 {
            results.append(
                CalibrationResult(
                    measurement: "process_spawn_fd_growth", value: last / first, unit: "x", samples: 1,
                    detail: "process_spawn_with_\(levels.last ?? 0)_fds / process_spawn_with_\(levels.first ?? 0)_fds"))
        }
        return results
    }

    /// A pool of `workers` noop workers started either way, `count` times each, alternately
    /// (after one of each unrecorded): until every worker is ready, and the memory each
    /// worker owns (USS) when it exits.
    func startMethods(workers: Int, count: Int) throws -> [CalibrationResult] {
        let registry = ChildProcessRegistry()
        let server = try ForkServer(command: worker, registry: registry)
        defer { server.stop() }
        var startup: [WorkerStart: [Double]] = [:]
        var unique: [WorkerStart: [Double]] = [:]
        var faults: [WorkerStart: [Double]] = [:]
        try alternatePools(
            workers: workers, transport: TransportSettings(), count: count, server: server, registry: registry
        ) { start, result in
            startup[start, default: []].append(result.startupSeconds * 1e3)
            if let memory = result.workers.memory {
                unique[start, default: []].append(Double(memory.uniqueKiB) / Double(workers))
            }
            if result.workers.workersWithoutUsage == 0 {
                faults[start, default: []].append(Double(result.workers.usage.minorFaults) / Double(workers))
            }
        }
        let spawned = Statistics.median(startup[.spawn] ?? []) ?? .nan
        let forked = Statistics.median(startup[.forkserver] ?? []) ?? .nan
        return [
            CalibrationResult(
                measurement: "pool_of_\(workers)_ready_spawn", value: spawned, unit: "ms", samples: count,
                detail: "\(workers) 'lab worker' processes launched with Process.run until every one is ready, median"),
            CalibrationResult(
                measurement: "pool_of_\(workers)_ready_forkserver", value: forked, unit: "ms", samples: count,
                detail: "\(workers) workers forked by a running fork server until every one is ready, median"),
            CalibrationResult(
                measurement: "forkserver_over_spawn", value: forked / spawned, unit: "x", samples: 1,
                detail: "pool_of_\(workers)_ready_forkserver / pool_of_\(workers)_ready_spawn (goal: at most 0.3)"),
            CalibrationResult(
                measurement: "worker_uss_spawn", value: Statistics.median(unique[.spawn] ?? []) ?? .nan, unit: "KiB",
                samples: count,
                detail: "memory a spawned noop worker owns alone (USS) as it exits, median"),
            CalibrationResult(
                measurement: "worker_uss_forkserver", value: Statistics.median(unique[.forkserver] ?? []) ?? .nan,
                unit: "KiB", samples: count,
                detail: "memory a forked noop worker owns alone (USS) as it exits, median"),
            CalibrationResult(
                measurement: "worker_minor_faults_spawn", value: Statistics.median(faults[.spawn] ?? []) ?? .nan,
                unit: "faults", samples: count,
                detail:
                    "minor page faults of a spawned noop worker over its life (loading itself, its runtime, its heap), "
                    + "median"
            ),
            CalibrationResult(
                measurement: "worker_minor_faults_forkserver",
                value: Statistics.median(faults[.forkserver] ?? []) ?? .nan, unit: "faults", samples: count,
                detail: "the same for a forked one (it shares the fork server's pages until it writes them), median"),
        ]
    }

    /// Pools of `workers` noop workers (one task) over `transport`, spawned and forked by
    /// `server` in turn, `count` rounds after one unrecorded; `record` gets each recorded pool.
    /// - Throws: ``LabFailure`` when a pool fails.
    private func alternatePools(
        workers: Int, transport: TransportSettings, count: Int, server: ForkServer, registry: ChildProcessRegistry,
        record: (WorkerStart, ExecutionResult) -> Void
    ) throws {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 1)
        for round in 0...count {
            for start in WorkerStart.allCases {
                let pool = ProcessPoolRunner(
                    workers: workers, command: worker, registry: registry, transport: transport,
                    forkServer: start == .forkserver ? server : nil)
                let result = pool.run(workload)
                if let failure = result.failure {
                    throw LabFailure("a pool of \(workers) noop workers (\(start.rawValue)) failed: \(failure)")
                }
                if round > 0 { record(start, result) }
            }
        }
    }

    /// What a worker's start costs as pools grow: a pool of each of `sizes` noop workers over
    /// `shm`, spawned and forked by a running fork server, alternately, `count` times after
    /// one unrecorded; the median start-up (until every worker is ready) over the pool's size.
    /// Where it grows with the size, something in a pool's start is not per worker.
    func startupPerWorker(sizes: [Int], count: Int) throws -> [CalibrationResult] {
        let registry = ChildProcessRegistry()
        let server = try ForkServer(command: worker, registry: registry)
        defer { server.stop() }
        let cores = (try? Platform.allowedCPUs().count) ?? Platform.activeProcessorCount
        var results: [CalibrationResult] = []
        for size in sizes {
            var startup: [WorkerStart: [Double]] = [:]
            let transport = TransportSettings(.shm, spinPolls: spinPolls, lanes: size, cores: cores)
            try alternatePools(workers: size, transport: transport, count: count, server: server, registry: registry) {
                start, result in
                startup[start, default: []].append(result.startupSeconds * 1e3 / Double(size))
            }
            for start in WorkerStart.allCases {
                results.append(
                    CalibrationResult(
                        measurement: "pool_startup_per_worker_\(size)_\(start.rawValue)",
                        value: Statistics.median(startup[start] ?? []) ?? .nan,
                        unit: "ms", samples: count,
                        detail:
                            "a pool of \(size) noop workers over shm, "
                            + "\(start == .spawn ? "spawned" : "forked by a running fork server"), until every one "
                            + "is ready, over \(size): median"
                    ))
            }
        }
        return results
    }

    /// The median start-up (spawn until every worker is ready) of a pool of `workers` noop
    /// workers over `samples` pools, after `warmups` unrecorded ones, in seconds.
    func poolStartupSeconds(workers: Int, samples: Int, warmups: Int) throws -> Double {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 1)
        let pool = ProcessPoolRunner(workers: workers, command: worker, registry: ChildProcessRegistry())
        /// A pool that failed has no start-up to report: it ends the measurement.
        func startup() throws -> Double {
            let result = pool.run(workload)
            if let failure = result.failure { throw LabFailure("a pool of \(workers) noop workers failed: \(failure)") }
            return result.startupSeconds
        }
        for _ in 0..<warmups { _ = try startup() }
        return Statistics.median(try (0..<samples).map { _ in try startup() }) ?? 0
    }
}
