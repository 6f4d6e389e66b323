import LabCore
import LabReport

/// The options several commands take, each declared once with how it is read: pool sizes,
/// tasks, batches, placement, transports, datasets, starts, spinning, timeouts, `--set` and
/// where a study writes. A command lists the ones it takes; `lab COMMAND --help` shows them.
enum SharedOptions {
    /// Pool sizes every measuring command accepts: threads and async tasks in flight up to
    /// 100,000 (the tutorial's "1000+ downloads" and beyond); worker processes up to
    /// ``processLimit``.
    static let workerRange = 1...100_000

    /// The most worker processes a pool starts (``ExperimentPlan/processLimit``).
    static let processLimit = ExperimentPlan.processLimit

    /// Why `mode` cannot run with `workers`, or `nil`: where a mode stops, in one line.
    static func poolRefusal(mode: ExecutionMode, workers: Int) -> String? {
        guard mode == .processes, workers > processLimit else { return nil }
        return
            "--workers \(workers) cannot run in mode 'processes': a worker process each, and the lab starts at most "
            + "\(processLimit) (each is a whole Swift process of about 16 MB); threads and async take up to "
            + "\(workerRange.upperBound)"
    }

    /// Where processes stop in a list of pool sizes that other modes run in full (`lab run
    /// --workers 10,100,1000,10000`): one line naming the counts left out, or `nil` when
    /// processes run at every count or are not asked for.
    /// - Throws: the refusal of ``poolRefusal(mode:workers:)`` when processes are asked for
    ///   and can run at none of the counts.
    static func processesStop(modes: [ExecutionMode], workers: [Int]) throws(UsageError) -> String? {
        guard modes.contains(.processes) else { return nil }
        let over = workers.filter { $0 > processLimit }
        guard let first = over.first else { return nil }
        if over.count == workers.count, let reason = poolRefusal(mode: .processes, workers: first) {
            throw UsageError.other(reason)
        }
        let counts = over.map { "x\($0)" }.joined(separator: ", ")
        let others = modes.filter { $0 != .processes && $0 != .sequential }.map(\.rawValue)
        return
            "processes stop at \(processLimit) workers (a whole Swift process each, about 16 MB): no processes cell at "
            + "\(counts)"
            + (others.isEmpty ? "" : "; \(others.joined(separator: " and ")) run there")
    }

    /// `--workers N`, one pool size (`lab crossover`).
    static let workers = CountOption(name: "--workers", range: workerRange)

    static let workersExpectation =
        "a comma-separated list of integers from \(workerRange.lowerBound) to \(workerRange.upperBound)"

    /// The value of `--workers LIST` (`lab run`, `lab scale`): every pool size checked against
    /// ``workerRange``, in the order given; `nil` when absent.
    static func workerCounts(_ parsed: ParsedArguments) throws(UsageError) -> [Int]? {
        guard let text = parsed.value("--workers") else { return nil }
        return try parseList(text, option: "--workers", expected: "a comma-separated list of integers").map {
            (item: String) throws(UsageError) in
            try parseInteger(item, option: "--workers", range: workerRange)
        }
    }

    /// Up to the largest count a run folder holds (2^38, see ``RunFolder/countLimit``), so
    /// that the folder a run writes reads back. The lab keeps nothing per task (outcomes are
    /// folded as they come, a timeline keeps 5,000 spans), so memory does not set this limit
    /// (issue 36: lab 0.8.0 capped it at 10 million, kept about 110 bytes a task).
    static let tasksRange = 1...RunFolder.countLimit

    /// `--tasks N`, as `lab run`, `lab scale` and `lab crossover` take it.
    static let tasks = CountOption(name: "--tasks", range: tasksRange)

    /// `--repetitions N`: measured repetitions per cell, at most `limit`.
    static func repetitions(upTo limit: Int) -> CountOption {
        CountOption(name: "--repetitions", range: 1...limit)
    }

    /// `--warmup N`: unrecorded repetitions per cell, run first.
    static let warmup = CountOption(name: "--warmup", range: 0...100)

    /// The measured repetitions per cell of `lab run`, `lab scale` and `lab crossover` when
    /// `--repetitions` is not given, and their unrecorded warm-ups (`--warmup`).
    static let defaultRepetitions = 5
    static let defaultWarmup = 1

    /// `--workload NAME`: the one workload a study measures.
    static func workloadOption(_ registry: WorkloadRegistry, help: String) -> OptionSpec {
        OptionSpec(
            "--workload", value: "NAME", expected: "one of: \(registry.names.joined(separator: ", "))", help: help)
    }

    /// `--workloads LIST`, by default the registry's default plan.
    static func workloadsOption(_ registry: WorkloadRegistry, help: String) -> OptionSpec {
        OptionSpec(
            workloadsName, value: "LIST", expected: workloadsExpectation(registry),
            default: registry.defaultPlanNames.joined(separator: ","), help: help)
    }

    static let workloadsName = "--workloads"

    private static func workloadsExpectation(_ registry: WorkloadRegistry) -> String {
        "a comma-separated list of: \(registry.names.joined(separator: ", "))"
    }

    /// The workloads `--workloads` names (each known to `registry`), or the default plan's.
    static func workloads(
        _ parsed: ParsedArguments, _ registry: WorkloadRegistry
    ) throws -> [any Workload.Type] {
        let names =
            try parsed.value(workloadsName).map {
                try parseList($0, option: workloadsName, expected: workloadsExpectation(registry))
            } ?? registry.defaultPlanNames
        return try names.map { try registry.type(named: $0) }
    }

    /// `--modes LIST`, by default every mode.
    static func modesOption(default modes: [ExecutionMode] = ExecutionMode.allCases, help: String) -> OptionSpec {
        OptionSpec(
            "--modes", value: "LIST", expected: "a comma-separated list of: \(caseNames(ExecutionMode.self))",
            default: modes.map(\.rawValue).joined(separator: ","), help: help)
    }

    /// `--set WORKLOAD.PARAM=VALUE`, repeatable, read by ``parseSettings(_:registry:workloads:)``.
    static func setOption(expected: String, help: String) -> OptionSpec {
        OptionSpec("--set", value: "WORKLOAD.PARAM=VALUE", expected: expected, repeatable: true, help: help)
    }

    /// `--out DIR`, read by ``requestedOut(_:)``.
    static func outOption(help: String) -> OptionSpec {
        OptionSpec(
            "--out", value: "DIR", expected: "a folder path that does not exist yet", default: "Results/<run-id>",
            help: help)
    }

    /// `--quiet`.
    static let quietOption = OptionSpec("--quiet", help: "No progress lines on standard error.")

    static let batchRange = 1...100_000

    static let batchExpectation = "auto or an integer from 1 to \(batchRange.upperBound)"

    /// `--batch`, as `lab run` and `lab crossover` take it.
    static func batchOption(help: String) -> OptionSpec {
        OptionSpec("--batch", value: "N|auto", expected: batchExpectation, default: "auto", help: help)
    }

    /// The value of `--batch`: `auto` (also when absent) or a number of tasks.
    static func batch(_ parsed: ParsedArguments) throws(UsageError) -> BatchSize {
        guard let text = parsed.value("--batch"), text != "auto" else { return .automatic }
        return .fixed(try parseInteger(text, option: "--batch", range: batchRange, expected: batchExpectation))
    }

    /// `--pin`, as `lab run` and `lab crossover` take it.
    static let pinOption = OptionSpec(
        "--pin", value: "PLACEMENT", expected: "one of: \(caseNames(CorePlacement.self))", default: "none",
        help:
            "Where threads and worker processes run: none (the scheduler decides); spread (lanes on distinct physical "
            + "cores first, across NUMA nodes and caches, a worker beside its driver thread); compact (every lane "
            + "on one core); node (spread within one NUMA node); siblings (lanes two by two on the SMT threads of "
            + "one core). 'lab check' prints the topology they read. Async cells are never pinned."
    )

    /// The value of `--pin`, checked against this machine before anything runs: every core
    /// the placement would use must accept a thread.
    static func placement(_ parsed: ParsedArguments) throws -> CorePlacement {
        guard let text = parsed.value("--pin") else { return .none }
        let placement: CorePlacement = try parseChoice(text, option: "--pin")
        guard placement != .none else { return .none }
        let allowed: [Int]
        do {
            allowed = try Platform.allowedCPUs()
        } catch {
            throw LabFailure("cannot read the CPUs this process may use for --pin \(text): \(error)")
        }
        let cores = Set(placement.order(on: CPUTopology.read(allowed: allowed)))
        defer { try? Platform.setAllowedCPUs(allowed) }
        for core in cores.sorted() {
            do {
                try Platform.setAllowedCPUs([core])
            } catch {
                throw UsageError.invalidValue(
                    option: "--pin", value: text,
                    expected:
                        "a placement this machine accepts; core \(core) refused a thread (\(error)); allowed cores: "
                        + "\(allowed.map(String.init).joined(separator: ","))"
                )
            }
        }
        return placement
    }

    /// `--transport LIST`, read by ``choices(_:_:list:default:)``: `lab run` (default ``Transport/default``),
    /// `lab calibrate` and `lab bench` (default all) take it.
    static func transportsOption(default transports: [Transport], help: String) -> OptionSpec {
        OptionSpec(
            "--transport", value: "LIST", expected: "a comma-separated list of: \(caseNames(Transport.self))",
            default: transports.map(\.rawValue).joined(separator: ","), help: help)
    }

    /// An option whose value is one case of `Choice` (`NAME`), or with `list` a
    /// comma-separated list of them, a cell for each (`LIST`).
    static func choiceOption<Choice: RawRepresentable & CaseIterable>(
        _ name: String, _ type: Choice.Type, list: Bool, default fallback: Choice, help: String
    ) -> OptionSpec where Choice.RawValue == String {
        OptionSpec(
            name, value: list ? "LIST" : "NAME",
            expected: (list ? "a comma-separated list of: " : "one of: ") + caseNames(type),
            default: fallback.rawValue, help: help)
    }

    /// The value of such an option: the cases in the order given, each once (a list names
    /// none twice), or `fallback`. The one reading of `--modes`, `--transport`, `--dataset`
    /// and `--start`.
    static func choices<Choice: RawRepresentable & CaseIterable>(
        _ parsed: ParsedArguments, _ name: String, list: Bool, default fallback: [Choice]
    ) throws(UsageError) -> [Choice] where Choice.RawValue == String {
        guard let text = parsed.value(name) else { return fallback }
        guard list else { return [try parseChoice(text, option: name)] }
        return try parseList(text, option: name, expected: "a comma-separated list of: \(caseNames(Choice.self))").map {
            (item: String) throws(UsageError) -> Choice in try parseChoice(item, option: name)
        }
    }

    static let datasetName = "--dataset"
    static let startName = "--start"

    /// `--dataset LIST` (`lab run`) or `--dataset NAME` (`lab scale` and `lab crossover`).
    static func datasetsOption(list: Bool) -> OptionSpec {
        choiceOption(
            datasetName, DatasetPlacement.self, list: list, default: .default,
            help:
                "For workloads with a dataset (bandwidth, slices), where worker processes get "
                + "it\(list ? ", comma-separated; a process cell for each" : ""): copy (each worker builds its own "
                + "while it starts, a second heap each) or map (the coordinator builds it once in an anonymous "
                + "memory file and every worker maps it read-only). Threads always read the coordinator's."
        )
    }

    /// The value of ``datasetsOption(list:)``: the placements given, or the default.
    static func datasets(_ parsed: ParsedArguments, list: Bool) throws(UsageError) -> [DatasetPlacement] {
        try choices(parsed, datasetName, list: list, default: [.default])
    }

    /// `--start LIST` (`lab run`) or `--start NAME` (`lab scale` and `lab crossover`).
    static func startsOption(list: Bool) -> OptionSpec {
        choiceOption(
            startName, WorkerStart.self, list: list, default: .default,
            help:
                "How worker processes start\(list ? ", comma-separated; a process cell for each" : ""): spawn (the "
                + "lab's binary launched anew for each worker) or forkserver (a server, started once per run, "
                + "forks each worker from a single-threaded copy of the lab, as Python's forkserver does)."
        )
    }

    /// The value of ``startsOption(list:)``: the starts given, or the default.
    static func starts(_ parsed: ParsedArguments, list: Bool) throws(UsageError) -> [WorkerStart] {
        try choices(parsed, startName, list: list, default: [.default])
    }

    static let spinRange = 0...10_000_000

    static let spinExpectation = "an integer from 0 to \(spinRange.upperBound)"

    /// `--spin`, for the `shm` transport.
    static let spinOption = OptionSpec(
        "--spin", value: "POLLS", expected: spinExpectation, default: "\(Transport.defaultSpinPolls)",
        help:
            "With --transport shm: how many times a waiting side (worker or driver) polls the ring before it sleeps on "
            + "a futex; 0 sleeps at once. Spinning trades CPU (it shows in the CPU columns) for faster wake-ups."
    )

    /// The value of `--spin`, or the default.
    static func spin(_ parsed: ParsedArguments) throws(UsageError) -> Int {
        guard let text = parsed.value("--spin") else { return Transport.defaultSpinPolls }
        return try parseInteger(text, option: "--spin", range: spinRange, expected: spinExpectation)
    }

    /// The one combination of --pin and --transport that measures mostly itself: on one core
    /// a spinning side holds the core its peer needs until its spin runs out (measured: 113 us
    /// a round trip on one core against 0.16 us across cores). Said, not refused.
    static func warnAboutSpinning(placement: CorePlacement, transports: [Transport], spinPolls: Int) {
        guard placement == .compact, transports.contains(.shm), spinPolls > 0 else { return }
        Console.error(
            "lab: warning: --pin compact puts a worker and its driver on one core, where shm's spinning side holds the "
                + "core the other needs until its \(spinPolls) polls run out; --spin 0 or --pin spread measure the "
                + "transport rather than the spinning\n"
        )
    }

    /// `--transport` for the studies that run one transport (`lab crossover`, `lab scale`).
    static let oneTransportOption = OptionSpec(
        "--transport", value: "NAME", expected: "one of: \(caseNames(Transport.self))",
        default: Transport.default.rawValue,
        help: "What the worker processes talk to the coordinator over: pipe, socketpair or shm (see 'lab run --help').")

    /// How a study's pools run, as `lab crossover` and `lab scale` take it.
    static var studyPoolOptions: [OptionSpec] {
        [
            batchOption(help: "Tasks a thread or worker process claims at once, as for 'lab run'."), pinOption,
            oneTransportOption, spinOption,
            taskTimeoutOption,
        ]
    }

    /// Where a study writes and how loudly: `--out`, `--quiet`, `--dry-run`.
    static let studyOutputOptions = [
        outOption(help: "The folder to create; it must not exist yet."),
        calibrationOption,
        JSONSummary.formatOption,
        quietOption,
        dryRunOption,
    ]

    /// `--dry-run`, as every measuring command takes it.
    static let dryRunOption = OptionSpec(
        "--dry-run",
        help: "Check every option and parameter and say what would run, then stop: nothing is measured or created.")

    static let defaultTaskTimeoutSeconds = 300.0

    static let taskTimeoutExpectation = "a number of seconds from 0.001 to 86400"

    /// `--task-timeout`, as every measuring command takes it.
    static let taskTimeoutOption = OptionSpec(
        "--task-timeout", value: "SECONDS", expected: taskTimeoutExpectation,
        default: "\(Int(defaultTaskTimeoutSeconds))",
        help:
            "A task that runs longer fails. In process mode its worker is killed and replaced and the run goes on; a "
            + "thread cannot be killed, so in the other modes the lab writes what it has (marked partial) and "
            + "stops with status 1."
    )

    /// The value of `--task-timeout`, or the default.
    static func taskTimeout(_ parsed: ParsedArguments) throws -> Double {
        try parsed.value("--task-timeout").map {
            try parseNumber($0, option: "--task-timeout", range: 0.001...86_400, expected: taskTimeoutExpectation)
        } ?? defaultTaskTimeoutSeconds
    }

    /// The value of `--out`, refusing an empty one; `nil` when absent.
    /// `--calibration FILE`, as the measuring commands take it.
    static let calibrationOption = OptionSpec(
        "--calibration", value: "FILE", expected: "a calibration.csv that lab calibrate wrote",
        help:
            "The unit costs (page faults, bytes moved, hand-outs, start-up) that explain each cell's speedup stack, "
            + "from 'lab calibrate'; the folder keeps a copy. Without it the run measures them quickly as it "
            + "starts (about a quarter of a second) and says so."
    )

    /// A calibration file given with `--calibration`: its unit costs (their source the path),
    /// and its text, of which a run folder keeps a copy.
    struct GivenCalibration {
        let costs: UnitCosts
        let text: String
    }

    /// The file of `--calibration`, read once and checked before anything is written.
    static func calibration(_ parsed: ParsedArguments) throws(UsageError) -> GivenCalibration? {
        guard let path = parsed.value("--calibration") else { return nil }
        let expected = "a calibration.csv that lab calibrate wrote"
        guard let text = try? Platform.readFile(atPath: path) else {
            throw .invalidValue(option: "--calibration", value: path, expected: expected + " (it cannot be read)")
        }
        do {
            return GivenCalibration(costs: try UnitCosts.parse(calibrationCSV: text, source: path), text: text)
        } catch {
            throw .invalidValue(option: "--calibration", value: path, expected: expected + " (\(error))")
        }
    }

    static func requestedOut(_ parsed: ParsedArguments) throws(UsageError) -> String? {
        if let out = parsed.value("--out"), out.isEmpty {
            throw .invalidValue(option: "--out", value: out, expected: "a folder path that does not exist yet")
        }
        return parsed.value("--out")
    }

    /// `--set WORKLOAD.PARAM=VALUE` settings, each naming a workload of `workloads`, into
    /// `["primes": ["limit": "2000000"]]`: the one reading of `--set`, for every command.
    static func parseSettings(
        _ settings: [String], registry: WorkloadRegistry, workloads: [String]
    ) throws(UsageError) -> [String: [String: String]] {
        var overrides: [String: [String: String]] = [:]
        for setting in settings {
            let expected = "WORKLOAD.PARAM=VALUE, such as \(workloads.first ?? "primes").PARAM=VALUE"
            guard let equals = setting.firstIndex(of: "="), let dot = setting[..<equals].firstIndex(of: ".") else {
                throw .invalidValue(option: "--set", value: setting, expected: expected)
            }
            let workload = String(setting[..<dot])
            let parameter = String(setting[setting.index(after: dot)..<equals])
            let value = String(setting[setting.index(after: equals)...])
            guard !workload.isEmpty, !parameter.isEmpty else {
                throw .invalidValue(option: "--set", value: setting, expected: expected)
            }
            guard registry.names.contains(workload) else {
                throw .other(
                    "unknown workload '\(workload)' in --set \(setting); known workloads: "
                        + "\(registry.names.joined(separator: ", "))"
                )
            }
            guard workloads.contains(workload) else {
                throw .other(
                    "--set \(setting) names workload '\(workload)', which this run does not include; workloads in this "
                        + "run: \(workloads.joined(separator: ", "))"
                )
            }
            guard overrides[workload]?[parameter] == nil else {
                throw .other("--set gives \(workload).\(parameter) more than once; set each parameter once")
            }
            overrides[workload, default: [:]][parameter] = value
        }
        return overrides
    }
}
