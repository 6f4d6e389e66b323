import LabCore

/// What each counter a cell records costs on a machine, in time: the units that turn a
/// speedup stack's counters (bytes moved, tasks handed out, page faults) into seconds, and
/// that a prediction adds up. They are rows of `lab calibrate`'s `calibration.csv`, kept in
/// `run.json` (`unit_costs`) so that a run folder carries the costs it was explained with.
package struct UnitCosts: Codable, Sendable, Equatable {
    /// One measurement, as `calibration.csv` has it.
    package struct Measurement: Codable, Sendable, Equatable {
        package var measurement: String
        package var value: Double
        package var unit: String

        package init(measurement: String, value: Double, unit: String) {
            self.measurement = measurement
            self.value = value
            self.unit = unit
        }
    }

    /// Where the costs came from: a calibration file's path, or `measured quickly by lab run`.
    package var source: String
    package var measurements: [Measurement]

    /// The measurements the lab uses, with their units: the page faults, each transport's
    /// bandwidth, each mode's hand-out of an empty task, starting a thread and a worker,
    /// giving memory back, and the faults a worker takes only to start.
    package static let used: [(name: String, unit: String)] = [
        ("minor_fault_anonymous", "us"), ("minor_fault_shared", "us"), ("pipe_bandwidth", "MiB/s"),
        ("socketpair_bandwidth", "MiB/s"),
        ("shm_bandwidth", "MiB/s"), ("task_cost_threads", "us"), ("task_cost_async", "us"),
        ("task_cost_processes", "us"),
        ("task_cost_processes_socketpair", "us"), ("task_cost_processes_shm", "us"), ("task_cost_sequential", "us"),
        ("task_cost_threads_batch_64", "us"),
        ("task_cost_processes_batch_64", "us"), ("task_cost_processes_socketpair_batch_64", "us"),
        ("task_cost_processes_shm_batch_64", "us"),
        ("thread_create_join", "us"),
        ("process_spawn_to_ready", "ms"), ("process_spawn", "ms"), ("process_spawned_to_ready", "ms"),
        ("threads_pool_of_2_ready", "ms"), ("pool_of_2_ready_forkserver", "ms"), ("teardown_per_mib", "us"),
        ("worker_minor_faults_spawn", "faults"), ("worker_minor_faults_forkserver", "faults"),
        ("worker_uss_spawn", "KiB"),
        ("worker_uss_forkserver", "KiB"), ("worker_teardown", "ms"), ("cores", "count"),
    ]

    package init(source: String, measurements: [Measurement]) {
        self.source = source
        self.measurements = measurements
    }

    /// The used rows of `results` (a calibration's), with a finite value of at least zero in
    /// the expected unit.
    package init(source: String, results: [CalibrationResult]) {
        self.source = source
        measurements = Self.used.compactMap { used in
            results.last { $0.measurement == used.name && $0.unit == used.unit && $0.value.isFinite && $0.value >= 0 }
                .map { Measurement(measurement: $0.measurement, value: $0.value, unit: $0.unit) }
        }
    }

    /// Reads `calibration.csv` text (from anyone: rows the lab does not use, or whose value
    /// is not a finite number at least zero in the expected unit, are left out).
    /// - Throws: `LabFailure` when it is not a calibration file, or has none of the costs.
    package static func parse(calibrationCSV text: String, source: String) throws -> UnitCosts {
        let rows = try CSV.parse(text)
        guard let header = rows.first, let name = header.firstIndex(of: "measurement"),
            let value = header.firstIndex(of: "value"),
            let unit = header.firstIndex(of: "unit")
        else { throw LabFailure("\(source) is not a calibration file: its header lacks measurement, value and unit") }
        let results = rows.dropFirst().compactMap { row -> CalibrationResult? in
            guard row.count == header.count, let number = Double(row[value]) else { return nil }
            return CalibrationResult(measurement: row[name], value: number, unit: row[unit], samples: 0, detail: "")
        }
        let costs = UnitCosts(source: source, results: results)
        guard !costs.measurements.isEmpty else {
            throw LabFailure("\(source) has none of the costs the lab uses (run lab calibrate)")
        }
        return costs
    }

    /// The measurements kept in a folder's `run.json` that pass the same checks as a
    /// calibration file's: what a reader may use.
    package var checked: UnitCosts {
        UnitCosts(
            source: source,
            results: measurements.map {
                CalibrationResult(measurement: $0.measurement, value: $0.value, unit: $0.unit, samples: 0, detail: "")
            })
    }

    func value(_ name: String) -> Double? { measurements.last { $0.measurement == name }?.value }

    /// The cores of the machine measured (`cores`), when recorded.
    package var cores: Int? { value("cores").flatMap { $0 >= 1 && $0 <= 1_000_000 ? Int($0) : nil } }

    /// A minor page fault on fresh private memory, seconds.
    package var faultSeconds: Double? { value("minor_fault_anonymous").map { $0 / 1e6 } }

    /// Moving one byte over `transport` (the inverse of its bandwidth), seconds.
    package func secondsPerByte(_ transport: Transport) -> Double? {
        value("\(transport.rawValue)_bandwidth").flatMap { $0 > 0 ? 1 / ($0 * 1_048_576) : nil }
    }

    /// Handing out tasks in `mode` (for processes over `transport`), seconds: per claim (a
    /// worker's wake-up for a batch, a thread's claim) and per task in it. An empty task's
    /// cost with one lane, handed out alone (`task_cost_*`) and 64 at a time
    /// (`task_cost_*_batch_64`): the second is the cost per task, the first less the second
    /// the cost per claim. Without the second, every task is its own claim. Both less the
    /// sequential lane's own cost per task (`task_cost_sequential`), which is no hand-out.
    package func handout(_ mode: ExecutionMode, transport: Transport?) -> (perClaim: Double, perTask: Double)? {
        let name: String =
            switch (mode, transport ?? .default) {
            case (.processes, .pipe): "task_cost_processes"
            case (.processes, let other): "task_cost_processes_\(other.rawValue)"
            case (let mode, _): "task_cost_\(mode.rawValue)"
            }
        // What the sequential lane pays per task too (the call, the bookkeeping) is not a
        // hand-out: it is in both cells' work.
        let own = value("task_cost_sequential").map { $0 / 1e6 } ?? 0
        guard let alone = value(name).map({ max($0 / 1e6 - own, 0) }) else { return nil }
        guard let batched = value(name + "_batch_64").map({ max($0 / 1e6 - own, 0) }), batched <= alone else {
            return (alone, 0)
        }
        return (alone - batched, batched)
    }

    /// Starting a pool of `workers` lanes, seconds: threads, half a pool of two threads a
    /// lane; spawned workers, `Process.run` one after the other and then one worker's loading
    /// until ready (the children load side by side); forked ones, half a pool of two a
    /// worker. `nil` for async and sequential, or without the costs.
    package func poolStartSeconds(_ mode: ExecutionMode, workers: Int, start: WorkerStart?) -> Double? {
        let lanes = Double(workers)
        // No start: a cell of a folder from before `--start`, whose workers were spawned.
        switch (mode, start ?? .spawn) {
        case (.threads, _):
            return value("threads_pool_of_2_ready").map { $0 / 2e3 * lanes }
                ?? value("thread_create_join").map { $0 / 1e6 * lanes }
        case (.processes, .spawn):
            if let spawn = value("process_spawn"), let load = value("process_spawned_to_ready") {
                return (spawn * lanes + load) / 1e3
            }
            return value("process_spawn_to_ready").map { $0 / 1e3 * lanes }
        case (.processes, .forkserver):
            return value("pool_of_2_ready_forkserver").map { $0 / 2e3 * lanes }
        default:
            return nil
        }
    }

    /// Giving back one byte of touched private memory (a worker's exit), seconds.
    package var teardownSecondsPerByte: Double? { value("teardown_per_mib").map { $0 / 1e6 / 1_048_576 } }

    /// The minor faults a worker takes only to start and end (an empty workload's).
    package func workerFaults(start: WorkerStart?) -> Double? {
        value("worker_minor_faults_\((start ?? .spawn).rawValue)")
    }
}
