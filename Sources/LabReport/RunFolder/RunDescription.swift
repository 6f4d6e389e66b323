import Foundation
import LabCore

/// Everything about a run that is not a measurement: `run.json`. With `results.csv` it is
/// all that `lab report` needs to rebuild the other files.
package struct RunDescription: Codable, Sendable, Equatable {
    /// One workload of the plan.
    package struct PlannedWorkload: Codable, Sendable, Equatable {
        package var name: String
        package var kind: String
        package var parameters: String
        package var tasks: Int

        enum CodingKeys: String, CodingKey {
            case name, kind, tasks
            case parameters = "params"
        }

        package init(name: String, kind: String, parameters: String, tasks: Int) {
            self.name = name
            self.kind = kind
            self.parameters = parameters
            self.tasks = tasks
        }
    }

    /// The experiment as asked for.
    package struct Plan: Codable, Sendable, Equatable {
        package var workloads: [PlannedWorkload]
        package var modes: [String]
        package var workers: [Int]
        package var repetitions: Int
        package var warmup: Int
        /// `interleaved` or `grouped`.
        package var order: String
        /// `--batch`: `auto` or a number of tasks per claim (absent in runs made before it).
        package var batch: String?
        /// `--pin`: where threads and workers ran (absent in runs made before it).
        package var pin: String?
        /// `--transport`: what worker processes talked over, a process cell for each (absent
        /// in runs made before it: pipes).
        package var transports: [String]?
        /// `--spin`: polls before a side of `shm` sleeps (absent before transports existed).
        package var spin: Int?
        /// `--dataset`: where worker processes got a workload's dataset, a process cell for
        /// each (absent before 0.7.0: each built its own).
        package var datasets: [String]?
        /// `--start`: how worker processes started, a process cell for each (absent before
        /// 0.7.0: spawned).
        package var starts: [String]?

        package init(
            workloads: [PlannedWorkload], modes: [String], workers: [Int], repetitions: Int, warmup: Int, order: String,
            batch: String?,
            pin: String? = nil, transports: [String]? = nil, spin: Int? = nil, datasets: [String]? = nil,
            starts: [String]? = nil
        ) {
            self.starts = starts
            self.datasets = datasets
            self.pin = pin
            self.transports = transports
            self.spin = spin
            self.workloads = workloads
            self.modes = modes
            self.workers = workers
            self.repetitions = repetitions
            self.warmup = warmup
            self.order = order
            self.batch = batch
        }
    }

    /// What the lab could count on the machine that made the run (lab 0.6.0).
    package struct Counters: Codable, Sendable, Equatable {
        /// `counted`, or why cycles, instructions and cache_misses are empty.
        package var hardware: String
        /// Whether each lane's scheduler figures (lanes_* columns) were readable.
        package var scheduler: Bool
        /// Whether /proc/pressure/cpu was there (cpu_pressure_s).
        package var pressure: Bool
        /// The rule that marks a repetition disturbed, in words.
        package var disturbedWhen: String

        enum CodingKeys: String, CodingKey {
            case hardware, scheduler, pressure
            case disturbedWhen = "disturbed_when"
        }

        package init(hardware: String, scheduler: Bool, pressure: Bool, disturbedWhen: String) {
            self.hardware = hardware
            self.scheduler = scheduler
            self.pressure = pressure
            self.disturbedWhen = disturbedWhen
        }

        /// This machine's.
        package static func current() -> Counters {
            Counters(
                hardware: HardwareCounterGroup.unavailableReason.map { "unavailable: \($0)" } ?? "counted",
                scheduler: Platform.threadSchedulerCounters() != nil,
                pressure: Platform.machineLoad()?.pressureSeconds != nil,
                disturbedWhen: Disturbance.rule)
        }
    }

    /// A time the run was taken up again where an interruption left it (`--resume`, 0.7.0).
    package struct Resumption: Codable, Sendable, Equatable {
        package var startedAt: String
        package var endedAt: String?
        /// Measured repetitions that results.csv held, whole, when it resumed.
        package var kept: Int
        /// Measured repetitions the plan still lacked then; absent for a crossover, whose
        /// sizes depend on what it measures.
        package var missing: Int?
        /// What reading the folder left out (a torn last record), in words.
        package var leftOut: [String]
        /// What the machine check found as it resumed.
        package var checks: [MachineCheck.Finding]

        enum CodingKeys: String, CodingKey {
            case kept, missing, checks
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case leftOut = "left_out"
        }

        package init(
            startedAt: String, endedAt: String? = nil, kept: Int, missing: Int?, leftOut: [String],
            checks: [MachineCheck.Finding]
        ) {
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.kept = kept
            self.missing = missing
            self.leftOut = leftOut
            self.checks = checks
        }
    }

    enum CodingKeys: String, CodingKey {
        case machine, plan, partial, runtime, counters, checks, command, arguments, resumptions
        case unitCosts = "unit_costs"
        case runID = "run_id"
        case labVersion = "lab_version"
        case gitCommit = "git_commit"
        case swiftVersion = "swift_version"
        case buildConfiguration = "build_configuration"
        case startedAt = "started_at"
        case endedAt = "ended_at"
    }

    package var runID: String
    package var labVersion: String
    /// The git commit the lab was built from, where the binary sits in a checkout.
    package var gitCommit: String?
    /// The Swift compiler that built the lab, such as `6.3`.
    package var swiftVersion: String
    /// `release` or `debug`; a debug build's timings are not representative.
    package var buildConfiguration: String
    package var machine: MachineDescription
    package var plan: Plan
    /// ISO 8601, UTC.
    package var startedAt: String
    package var endedAt: String?
    /// True when the run was interrupted: the files cover the cells that finished.
    package var partial: Bool
    /// Set by peers written in another language (`Python 3.11.7 (CPython)` from
    /// `Scripts/python-peer.py`); absent for the lab's own runs, whose runtime is Swift.
    package var runtime: String?
    /// What the lab could count (0.6.0); absent in older runs and in peers' runs.
    package var counters: Counters?
    /// What `lab check` found just before the run started (0.6.0); absent in older runs.
    package var checks: [MachineCheck.Finding]?
    /// The command that made the run (`run`, `scale`, `crossover`; 0.7.0), and the options
    /// that chose its plan, as given: what `--resume` runs again.
    package var command: String?
    package var arguments: [String]?
    /// Each time the run was resumed (absent for a run made in one go).
    package var resumptions: [Resumption]?
    /// What each counter cost in time on the machine (0.9.0): the costs its speedup stacks
    /// and predictions use, from `lab calibrate` or measured quickly as the run started;
    /// absent in older runs (their stacks leave the exchange unaccounted for).
    package var unitCosts: UnitCosts?

    package init(
        runID: String, labVersion: String, gitCommit: String?, swiftVersion: String, buildConfiguration: String,
        machine: MachineDescription, plan: Plan, startedAt: String, endedAt: String?, partial: Bool
    ) {
        self.runID = runID
        self.labVersion = labVersion
        self.gitCommit = gitCommit
        self.swiftVersion = swiftVersion
        self.buildConfiguration = buildConfiguration
        self.machine = machine
        self.plan = plan
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.partial = partial
    }

    /// The JSON text written to `run.json`: sorted keys, pretty-printed, snake_case names.
    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads `run.json` text. A folder may come from anyone: the plan's workload names keep
    /// ``WorkloadName``'s rule and its counts are in the ranges the lab itself would write.
    package static func parse(_ text: String) throws -> RunDescription {
        let decoder = JSONDecoder()
        let description = try decoder.decode(RunDescription.self, from: Data(text.utf8))
        if let problem = description.plan.problem { throw RunDescriptionError(reason: problem) }
        var checked = description
        checked.unitCosts = description.unitCosts?.checked
        return checked
    }

    /// The current UTC time as ISO 8601, to the second.
    package static func now() -> String {
        UTCTime().iso8601
    }
}

extension RunDescription {
    /// What would make this run's numbers and those of a run described by `other` incomparable
    /// if they were mixed in one folder, one sentence each: the build, then the machine.
    /// Hostnames and the time are not compared to the build; the machine's parts are.
    package func differences(from other: RunDescription) -> [String] {
        var found: [String] = []
        func compare(_ what: String, _ mine: String?, _ theirs: String?) {
            if mine != theirs { found.append("\(what): \(mine ?? "none") in the folder, \(theirs ?? "none") now") }
        }
        compare("lab version", labVersion, other.labVersion)
        compare("git commit", gitCommit, other.gitCommit)
        compare("build", buildConfiguration, other.buildConfiguration)
        compare("Swift", swiftVersion, other.swiftVersion)
        compare("CPU", machine.cpuModel, other.machine.cpuModel)
        compare("cores", String(machine.cores), String(other.machine.cores))
        compare("memory", "\(machine.memoryKiB) KiB", "\(other.machine.memoryKiB) KiB")
        compare("kernel", machine.kernel, other.machine.kernel)
        compare("host", machine.hostname, other.machine.hostname)
        return found
    }
}

extension RunDescription.Plan {
    /// Where two plans differ, one entry per field: `repetitions: 3 in the folder, 7 now`.
    package func differences(from other: RunDescription.Plan) -> [String] {
        var found: [String] = []
        func compare(_ what: String, _ mine: String, _ theirs: String) {
            if mine != theirs { found.append("\(what): \(mine) in the folder, \(theirs) now") }
        }
        func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ",") }
        compare("workloads", list(workloads.map(\.name)), list(other.workloads.map(\.name)))
        if workloads.map(\.name) == other.workloads.map(\.name) {
            for (mine, theirs) in zip(workloads, other.workloads) {
                compare("\(mine.name) parameters", mine.parameters, theirs.parameters)
                compare("\(mine.name) tasks", String(mine.tasks), String(theirs.tasks))
            }
        }
        compare("modes", list(modes), list(other.modes))
        compare("workers", list(workers.map(String.init)), list(other.workers.map(String.init)))
        compare("repetitions", String(repetitions), String(other.repetitions))
        compare("warm-ups", String(warmup), String(other.warmup))
        compare("order", order, other.order)
        compare("batch", batch ?? "1", other.batch ?? "1")
        compare("pin", pin ?? "none", other.pin ?? "none")
        compare(
            "transports", list(transports ?? [Transport.default.rawValue]),
            list(other.transports ?? [Transport.default.rawValue]))
        compare("spin", spin.map(String.init) ?? "none", other.spin.map(String.init) ?? "none")
        compare("datasets", list(datasets ?? ["copy"]), list(other.datasets ?? ["copy"]))
        compare("starts", list(starts ?? ["spawn"]), list(other.starts ?? ["spawn"]))
        return found
    }
}

extension RunDescription.Plan {
    /// The plan part of `run.json` for an experiment plan.
    package init(
        _ plan: ExperimentPlan, order: String, batch: BatchSize, placement: CorePlacement = .none,
        spinPolls: Int = Transport.defaultSpinPolls
    ) {
        self.init(
            workloads: plan.workloads.map {
                RunDescription.PlannedWorkload(
                    name: $0.name, kind: $0.type.kind.rawValue, parameters: $0.parameters.canonicalText,
                    tasks: $0.taskCount)
            },
            modes: plan.modes.map(\.rawValue), workers: plan.workerCounts, repetitions: plan.repetitions,
            warmup: plan.warmup, order: order,
            batch: batch.description, pin: placement.rawValue, transports: plan.transports.map(\.rawValue),
            spin: spinPolls,
            datasets: plan.datasets.map(\.rawValue), starts: plan.starts.map(\.rawValue))
    }
}

/// Why a decoded `run.json` cannot be used: a value outside what the lab would write.
package struct RunDescriptionError: Error, CustomStringConvertible, Sendable {
    package let reason: String
    package var description: String { reason }
}

extension RunDescription.Plan {
    /// The largest count any of the plan's numbers may hold (tasks, workers, repetitions).
    static var countLimit: Int { RunFolder.countLimit }

    /// What makes the plan unusable, or `nil`: a bad workload name, a count out of range.
    var problem: String? {
        for workload in workloads {
            guard WorkloadName.isValid(workload.name) else {
                return
                    "workload name '\(workload.name.shownInMessage)' breaks the rule for names (\(WorkloadName.rule))"
            }
            guard (1...Self.countLimit).contains(workload.tasks) else {
                return "\(workload.name) has \(workload.tasks) tasks; expected 1 to \(Self.countLimit)"
            }
        }
        if let bad = workers.first(where: { !(1...Self.countLimit).contains($0) }) {
            return "\(bad) workers; expected 1 to \(Self.countLimit)"
        }
        guard (0...Self.countLimit).contains(repetitions), (0...Self.countLimit).contains(warmup) else {
            return "\(repetitions) repetitions after \(warmup) warm-ups; expected 0 to \(Self.countLimit) of each"
        }
        if let spin, !(0...Self.countLimit).contains(spin) { return "spin \(spin); expected 0 to \(Self.countLimit)" }
        return nil
    }
}
