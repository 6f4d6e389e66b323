import Foundation
import Glibc
import LabCore
import LabReport

/// Measures, on this machine, the costs that decide the thread-versus-process trade-off.
package struct Calibrator: Sendable {
    /// How to start a `lab worker`, for spawn costs and the lab's own task costs.
    package let worker: WorkerCommand
    /// How to start the raw pipe peer; the peer's mode (`echo`, `sink`) is added to its arguments.
    package let peer: WorkerCommand
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
        worker: WorkerCommand, peer: WorkerCommand, noop: any Workload.Type, roundTrips: Int = 20_000, tasks: Int = 20_000,
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
        var results: [CalibrationResult] = []
        progress("thread create and join")
        let samples = quick ? 3 : 10
        results.append(threadCreateJoin(count: quick ? 200 : 2000))
        progress("process spawn to ready")
        results.append(try spawnToReady(count: samples))
        results += try spawnParts(count: samples)
        progress("a pool's start: spawn against forkserver")
        results += try startMethods(workers: 2, count: samples)
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
        if transports.contains(.pipe) {
            progress("pipe bandwidth")
            results.append(try bandwidth(bytes: quick ? 32 << 20 : 256 << 20))
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
