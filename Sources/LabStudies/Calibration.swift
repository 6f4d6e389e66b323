import Foundation
import Glibc
import LabCore

/// One number `lab calibrate` measured: a row of `calibration.csv`.
public struct CalibrationResult: Sendable, Equatable {
    /// Such as `pipe_round_trip_cross_core`.
    public var measurement: String
    public var value: Double
    /// `us`, `ms`, `MiB/s` or `x` (a ratio).
    public var unit: String
    public var samples: Int
    /// How it was measured, in a few words.
    public var detail: String

    public init(measurement: String, value: Double, unit: String, samples: Int, detail: String) {
        self.measurement = measurement
        self.value = value
        self.unit = unit
        self.samples = samples
        self.detail = detail
    }
}

/// The other end of a raw transport for calibration: the `lab calibrate-peer` child. `echo`
/// sends every 8-byte message straight back (over the transport the environment names, see
/// ``serveEcho()``) and at the end reports its CPU time; `sink` reads a pipe to end of file
/// and answers with the byte count. Bare bytes only, no frames: the floor the lab is
/// compared to.
public enum CalibrationPeer {
    public static func serve(mode: String) -> Int32 {
        Platform.ignoreSignal(SIGPIPE)
        try? Platform.setParentDeathSignal(SIGKILL)
        var buffer = [UInt8](repeating: 0, count: 65536)
        switch mode {
        case "echo":
            return serveEcho()
        case "sink":
            var total: UInt64 = 0
            while let count = try? buffer.withUnsafeMutableBytes({ try Platform.read(STDIN_FILENO, into: $0) }), count > 0 {
                total += UInt64(count)
            }
            return (try? withUnsafeBytes(of: total.littleEndian) { try Platform.writeAll(STDOUT_FILENO, $0) }) != nil ? 0 : 1
        default:
            return 2
        }
    }
}

/// Measures, on this machine, the costs that decide the thread-versus-process trade-off.
public struct Calibrator: Sendable {
    /// How to start a `lab worker`, for spawn costs and the lab's own task costs.
    public let worker: WorkerCommand
    /// How to start the raw pipe peer; the peer's mode (`echo`, `sink`) is added to its arguments.
    public let peer: WorkerCommand
    /// An empty workload (`noop`), for the lab's own per-task cost in each mode.
    public let noop: any Workload.Type
    /// Round trips per pipe measurement.
    public let roundTrips: Int
    /// Tasks per mode for the per-task cost.
    public let tasks: Int
    /// The transports whose round trips and per-task costs are measured (`--transport`).
    public let transports: [Transport]
    /// Polls before a side of `shm` sleeps (`--spin`).
    public let spinPolls: Int

    public init(
        worker: WorkerCommand, peer: WorkerCommand, noop: any Workload.Type, roundTrips: Int = 20_000, tasks: Int = 20_000,
        transports: [Transport] = Transport.allCases, spinPolls: Int = Transport.defaultSpinPolls
    ) {
        self.transports = transports
        self.spinPolls = spinPolls
        self.worker = worker
        self.peer = peer
        self.noop = noop
        self.roundTrips = roundTrips
        self.tasks = tasks
    }

    /// Runs every measurement; `progress` hears the name of each before it starts.
    public func run(progress: (String) -> Void) throws -> [CalibrationResult] {
        var results: [CalibrationResult] = []
        progress("thread create and join")
        results.append(threadCreateJoin(count: 2000))
        progress("process spawn to ready")
        results.append(try spawnToReady(count: 10))
        results += try spawnParts(count: 10)
        progress("a pool's start: spawn against forkserver")
        results += try startMethods(workers: 2, count: 10)
        progress("process spawn with many open descriptors")
        results += try spawnWithOpenDescriptors(levels: Self.descriptorLevels, count: 15)
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
        if transports.contains(.pipe) {
            progress("pipe bandwidth")
            results.append(try bandwidth(bytes: 256 << 20))
        }
        for mode in ExecutionMode.allCases {
            for transport in mode == .processes ? transports : [.pipe] {
                let over = mode == .processes && transport != .default ? " over \(transport.rawValue)" : ""
                progress("per-task cost, \(mode.rawValue)\(over)")
                let result = try taskCost(mode, transport: transport)
                results.append(result)
                if mode == .processes, let floor = raw[transport] {
                    let name = transport == .default ? "processes_task_over_raw_round_trip" : "processes_\(transport.rawValue)_task_over_raw_round_trip"
                    results.append(
                        CalibrationResult(
                            measurement: name, value: result.value / floor, unit: "x", samples: 1,
                            detail: "the lab's per-task cost with 1 worker process\(over) / the unpinned raw \(transport.rawValue) round trip"
                                + (transport == .pipe ? " (goal: at most 1.5)" : "")))
                }
            }
        }
        return results
    }

    func threadCreateJoin(count: Int) -> CalibrationResult {
        let clock = Stopwatch()
        for _ in 0..<count {
            (try? JoinableThread {})?.join()
        }
        return CalibrationResult(
            measurement: "thread_create_join", value: clock.elapsedSeconds / Double(count) * 1e6, unit: "us", samples: count,
            detail: "pthread_create plus pthread_join of an empty thread, mean")
    }

    func spawnToReady(count: Int) throws -> CalibrationResult {
        CalibrationResult(
            measurement: "process_spawn_to_ready", value: try poolStartupSeconds(workers: 1, samples: count, warmups: 0) * 1e3, unit: "ms",
            samples: count, detail: "Process.run of 'lab worker' until its ready frame, median")
    }

    /// A worker's start in two parts, from the timelines of `count` one-worker noop cells
    /// (after a warm-up): `Process.run()` itself (posix_spawn, with the file actions Foundation
    /// prepares), and from its return until the worker's ready frame (the child loads the
    /// binary, starts the runtime, builds the workload and answers).
    func spawnParts(count: Int) throws -> [CalibrationResult] {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 1)
        let runner = ExperimentRunner(runID: "calibrate", workerCommand: worker, registry: ChildProcessRegistry())
        let cell = Cell(workload: workload, mode: .processes, workers: 1)
        var spawn: [Double] = []
        var load: [Double] = []
        for repetition in 0...count {
            let (record, timeline) = runner.measureWithTimeline(cell, repetition: repetition)
            guard record.status == .ok, let timeline else { throw LabFailure("a noop worker failed to start: \(record.error ?? "")") }
            func time(_ kind: LaneEvent.Kind) -> UInt64? { timeline.events.first { $0.lane == 0 && $0.kind == kind }?.at }
            guard let asked = time(.spawn), let started = time(.spawned), let ready = time(.workerReady) else {
                throw LabFailure("a noop worker's timeline lacks its spawn or ready event")
            }
            if repetition > 0 {
                spawn.append(Double(started - asked) / 1e6)
                load.append(Double(ready - started) / 1e6)
            }
        }
        return [
            CalibrationResult(
                measurement: "process_spawn", value: Statistics.median(spawn) ?? .nan, unit: "ms", samples: count,
                detail: "Process.run() of 'lab worker' alone: posix_spawn with the file actions Foundation adds, median"),
            CalibrationResult(
                measurement: "process_spawned_to_ready", value: Statistics.median(load) ?? .nan, unit: "ms", samples: count,
                detail: "from Process.run() returning until the worker's ready frame (loading, runtime start, setup), median"),
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
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/true")
                let clock = Stopwatch()
                try process.run()
                let seconds = clock.elapsedSeconds
                process.waitUntilExit()
                if sample > 0 { samples.append(seconds * 1e3) }
            }
            results.append(
                CalibrationResult(
                    measurement: name, value: Statistics.median(samples) ?? .nan, unit: "ms", samples: count,
                    detail: "Process.run() of /bin/true with \(open + extra.count) descriptors open in the coordinator, median"))
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
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 1)
        var startup: [WorkerStart: [Double]] = [:]
        var unique: [WorkerStart: [Double]] = [:]
        for round in 0...count {
            for start in WorkerStart.allCases {
                let pool = ProcessPoolRunner(workers: workers, command: worker, registry: registry, forkServer: start == .forkserver ? server : nil)
                let result = pool.execute(workload)
                if let failure = result.failure { throw LabFailure("a pool of \(workers) noop workers (\(start.rawValue)) failed: \(failure)") }
                guard round > 0 else { continue }
                startup[start, default: []].append(result.startupSeconds * 1e3)
                if let memory = result.workers.memory { unique[start, default: []].append(Double(memory.uniqueKiB) / Double(workers)) }
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
                measurement: "worker_uss_spawn", value: Statistics.median(unique[.spawn] ?? []) ?? .nan, unit: "KiB", samples: count,
                detail: "memory a spawned noop worker owns alone (USS) as it exits, median"),
            CalibrationResult(
                measurement: "worker_uss_forkserver", value: Statistics.median(unique[.forkserver] ?? []) ?? .nan, unit: "KiB", samples: count,
                detail: "memory a forked noop worker owns alone (USS) as it exits, median"),
        ]
    }

    /// The median start-up (spawn until every worker is ready) of a pool of `workers` noop
    /// workers over `samples` pools, after `warmups` unrecorded ones, in seconds.
    func poolStartupSeconds(workers: Int, samples: Int, warmups: Int) throws -> Double {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: 1)
        let pool = ProcessPoolRunner(workers: workers, command: worker, registry: ChildProcessRegistry())
        /// A pool that failed has no start-up to report: it ends the measurement.
        func startup() throws -> Double {
            let result = pool.execute(workload)
            if let failure = result.failure { throw LabFailure("a pool of \(workers) noop workers failed: \(failure)") }
            return result.startupSeconds
        }
        for _ in 0..<warmups { _ = try startup() }
        return Statistics.median(try (0..<samples).map { _ in try startup() }) ?? 0
    }

    /// A child peer on two pipes; the caller closes both descriptors and waits for it.
    private func spawnPeer(_ mode: String) throws -> (process: Process, toPeer: Pipe, fromPeer: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: peer.executablePath)
        process.arguments = peer.arguments + [mode]
        let toPeer = Pipe()
        let fromPeer = Pipe()
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        try process.run()
        return (process, toPeer, fromPeer)
    }

    /// A raw round trip over `transport` as a result row (`pipe_round_trip_same_core`, ...),
    /// and the CPU both sides used for it.
    func roundTrip(over transport: TransportSettings, cpus: (coordinator: Int, peer: Int)? = nil, suffix: String = "") throws -> [CalibrationResult] {
        let measured = try rawRoundTrip(over: transport, cpus: cpus)
        let (placement, whereText) =
            switch cpus {
            case nil: ("", "wherever the scheduler puts the two processes")
            case let cpus? where cpus.coordinator == cpus.peer: ("_same_core", "both processes pinned to CPU \(cpus.peer)")
            case let cpus?: ("_cross_core", "processes pinned to CPUs \(cpus.coordinator) and \(cpus.peer)")
            }
        let name = "\(transport.transport.rawValue)_round_trip\(placement)\(suffix)"
        let how: String =
            switch transport.transport {
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
                detail: "CPU time of both processes per round trip of \(name) (user + system; about 2x the round trip when both spin)"),
        ]
    }

    func bandwidth(bytes: Int) throws -> CalibrationResult {
        let peer = try spawnPeer("sink")
        defer {
            peer.process.waitUntilExit()
            try? peer.fromPeer.fileHandleForReading.close()
        }
        let chunk = [UInt8](repeating: 1, count: 65536)
        let output = peer.toPeer.fileHandleForWriting.fileDescriptor
        let clock = Stopwatch()
        var sent = 0
        while sent < bytes {
            try Platform.writeAll(output, chunk)
            sent += chunk.count
        }
        try peer.toPeer.fileHandleForWriting.close()
        var answer = [UInt8](repeating: 0, count: 8)
        _ = try answer.withUnsafeMutableBytes { try Platform.readFully(peer.fromPeer.fileHandleForReading.fileDescriptor, into: $0) }
        let seconds = clock.elapsedSeconds
        return CalibrationResult(
            measurement: "pipe_bandwidth", value: Double(sent) / seconds / 1_048_576, unit: "MiB/s", samples: 1,
            detail: "\(sent >> 20) MiB in 64 KiB writes to a child that reads and counts them")
    }

    func taskCost(_ mode: ExecutionMode, transport: Transport = .default) throws -> CalibrationResult {
        let over = mode == .processes && transport != .pipe ? "_\(transport.rawValue)" : ""
        return CalibrationResult(
            measurement: "task_cost_\(mode.rawValue)\(over)",
            value: try taskSeconds(mode, workers: 1, tasks: tasks, batch: .fixed(1), samples: 3, transport: transport) * 1e6,
            unit: "us", samples: 3,
            detail: "an empty task with 1 worker\(over.isEmpty ? "" : " over \(transport.rawValue)"), start-up excluded: (wall_s - startup_s) / \(tasks) tasks, median of 3")
    }

    /// An empty task's cost in `mode` with `workers`: after one warm-up, the median over
    /// `samples` repetitions of (wall - start-up) / `tasks`, in seconds.
    func taskSeconds(
        _ mode: ExecutionMode, workers: Int, tasks: Int, batch: BatchSize, samples: Int, transport: Transport = .default
    ) throws -> Double {
        let workload = try ConfiguredWorkload(type: noop, parameters: noop.parameters(), taskCount: tasks)
        let runner = ExperimentRunner(
            runID: "calibrate", workerCommand: worker, registry: ChildProcessRegistry(), batch: batch, spinPolls: spinPolls)
        let cell = Cell(workload: workload, mode: mode, workers: workers, transport: transport)
        /// A failed repetition has no cost to report: it ends the measurement.
        func measured(_ repetition: Int) throws -> RepetitionRecord {
            let record = runner.measure(cell, repetition: repetition)
            guard record.status == .ok else { throw LabFailure("noop \(cell.label) failed: \(record.error ?? "")") }
            return record
        }
        _ = try measured(0)
        let perTask = try (1...samples).map { try measured($0) }.map { ($0.wallSeconds - $0.startupSeconds) / Double(tasks) }
        return Statistics.median(perTask) ?? 0
    }
}
