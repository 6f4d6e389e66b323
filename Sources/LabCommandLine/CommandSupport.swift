import Glibc
import LabCore
import LabReport
import LabStudies

/// What several commands parse or prepare alike, written once.
enum CommandSupport {
    /// Pool sizes every measuring command accepts.
    static let workerRange = 1...1024
    static let workerExpectation = "an integer from \(workerRange.lowerBound) to \(workerRange.upperBound)"
    static let workersExpectation = "a comma-separated list of integers from \(workerRange.lowerBound) to \(workerRange.upperBound)"
    static let tasksRange = 1...10_000_000

    /// `--tasks N`, as `lab run`, `lab scale` and `lab crossover` take it.
    static func tasksOption(default fallback: String, help: String) -> OptionSpec {
        OptionSpec("--tasks", value: "N", expected: "an integer from \(tasksRange.lowerBound) to \(tasksRange.upperBound)", default: fallback, help: help)
    }

    /// The start of a study of one workload (`lab scale`, `lab crossover`): the folder to
    /// resume (`--resume`), the arguments it runs with, parsed, and the workload that
    /// `--workload` names.
    /// - Throws: ``UsageError`` for a positional argument or a missing or unknown `--workload`.
    static func study(
        _ given: [String], parser: CommandLineParser, registry: WorkloadRegistry
    ) throws -> (resumption: Resumption?, arguments: [String], parsed: ParsedArguments, type: any Workload.Type) {
        let resumption = try resumption(given, parser: parser, command: parser.command)
        let arguments = resumption?.arguments ?? given
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: parser.command) }
        guard let name = parsed.value("--workload") else {
            throw UsageError.other("lab \(parser.command) needs --workload; workloads: \(registry.names.joined(separator: ", "))")
        }
        return (resumption, arguments, parsed, try registry.type(named: name))
    }
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
        "--pin", value: "PLACEMENT", expected: "one of: \(caseNames(Placement.self))", default: "none",
        help: "Where threads and worker processes run: none (the scheduler decides), spread (lane i on core i mod cores, a worker beside its driver thread) or compact (every lane on one core). Async cells are never pinned.")

    /// The value of `--pin`, checked against this machine before anything runs: every core
    /// the placement would use must accept a thread.
    static func placement(_ parsed: ParsedArguments) throws -> Placement {
        guard let text = parsed.value("--pin") else { return .none }
        let placement: Placement = try parseChoice(text, option: "--pin")
        guard placement != .none else { return .none }
        let allowed: [Int]
        do {
            allowed = try Platform.allowedCPUs()
        } catch {
            throw LabFailure("cannot read the CPUs this process may use for --pin \(text): \(error)")
        }
        let cores = Set((0..<max(allowed.count, 1)).compactMap { placement.core(forLane: $0, allowed: allowed) })
        defer { try? Platform.setAllowedCPUs(allowed) }
        for core in cores.sorted() {
            do {
                try Platform.setAllowedCPUs([core])
            } catch {
                throw UsageError.invalidValue(
                    option: "--pin", value: text,
                    expected: "a placement this machine accepts; core \(core) refused a thread (\(error)); allowed cores: \(allowed.map(String.init).joined(separator: ","))")
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
            name, value: list ? "LIST" : "NAME", expected: (list ? "a comma-separated list of: " : "one of: ") + caseNames(type),
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

    /// `--dataset LIST` (`lab run`) or `--dataset NAME` (`lab scale`).
    static func datasetsOption(list: Bool) -> OptionSpec {
        choiceOption(
            "--dataset", DatasetPlacement.self, list: list, default: .copy,
            help: "For workloads with a dataset (bandwidth, slices), where worker processes get it\(list ? ", comma-separated; a process cell for each" : ""): copy (each worker builds its own while it starts, a second heap each) or map (the coordinator builds it once in an anonymous memory file and every worker maps it read-only). Threads always read the coordinator's.")
    }

    /// `--start LIST` (`lab run`) or `--start NAME` (`lab scale`).
    static func startsOption(list: Bool) -> OptionSpec {
        choiceOption(
            "--start", WorkerStart.self, list: list, default: .spawn,
            help: "How worker processes start\(list ? ", comma-separated; a process cell for each" : ""): spawn (the lab's binary launched anew for each worker) or forkserver (a server, started once per run, forks each worker from a single-threaded copy of the lab, as Python's forkserver does).")
    }

    static let spinRange = 0...10_000_000
    static let spinExpectation = "an integer from 0 to \(spinRange.upperBound)"

    /// `--spin`, for the `shm` transport.
    static let spinOption = OptionSpec(
        "--spin", value: "POLLS", expected: spinExpectation, default: "\(Transport.defaultSpinPolls)",
        help: "With --transport shm: how many times a waiting side (worker or driver) polls the ring before it sleeps on a futex; 0 sleeps at once. Spinning trades CPU (it shows in the CPU columns) for faster wake-ups.")

    /// The value of `--spin`, or the default.
    static func spin(_ parsed: ParsedArguments) throws(UsageError) -> Int {
        guard let text = parsed.value("--spin") else { return Transport.defaultSpinPolls }
        return try parseInteger(text, option: "--spin", range: spinRange, expected: spinExpectation)
    }

    /// The one combination of --pin and --transport that measures mostly itself: on one core
    /// a spinning side holds the core its peer needs until its spin runs out (measured: 113 us
    /// a round trip on one core against 0.16 us across cores). Said, not refused.
    static func warnAboutSpinning(placement: Placement, transports: [Transport], spinPolls: Int) {
        guard placement == .compact, transports.contains(.shm), spinPolls > 0 else { return }
        Console.error(
            "lab: warning: --pin compact puts a worker and its driver on one core, where shm's spinning side holds the core the other needs until its \(spinPolls) polls run out; --spin 0 or --pin spread measure the transport rather than the spinning\n")
    }

    /// `--transport` for the studies that run one transport (`lab crossover`, `lab scale`).
    static let oneTransportOption = OptionSpec(
        "--transport", value: "NAME", expected: "one of: \(caseNames(Transport.self))", default: Transport.default.rawValue,
        help: "What the worker processes talk to the coordinator over: pipe, socketpair or shm (see 'lab run --help').")

    /// How a study's pools run, as `lab crossover` and `lab scale` take it.
    static var studyPoolOptions: [OptionSpec] {
        [
            batchOption(help: "Tasks a thread or worker process claims at once, as for 'lab run'."), pinOption, oneTransportOption, spinOption,
            taskTimeoutOption,
        ]
    }

    /// Where a study writes and how loudly: `--out`, `--quiet`, `--dry-run`.
    static let studyOutputOptions = [
        OptionSpec("--out", value: "DIR", expected: "a folder path that does not exist yet", default: "Results/<run-id>",
                   help: "The folder to create; it must not exist yet."),
        OptionSpec("--quiet", help: "No progress lines on standard error."),
        dryRunOption,
    ]

    /// `--dry-run`, as every measuring command takes it.
    static let dryRunOption = OptionSpec(
        "--dry-run", help: "Check every option and parameter and say what would run, then stop: nothing is measured or created.")

    /// A workload built from the user's parameters. Building one starts nothing (its fixture
    /// runs only around its cells), so whatever its initialiser refuses is the user's input:
    /// a configuration error as it is, anything else as a usage error naming the workload.
    static func configuredWorkload(_ type: any Workload.Type, parameters: Parameters, tasks: Int?) throws -> ConfiguredWorkload {
        do {
            return try ConfiguredWorkload(type: type, parameters: parameters, taskCount: tasks)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as SystemError {
            // Its dataset's memory file could not be made: the machine's failure, not the input's.
            throw LabFailure("cannot build the dataset of \(type.name): \(error)")
        } catch {
            throw UsageError.other("workload '\(type.name)' refuses its parameters: \(error)")
        }
    }

    /// The exit status of a measuring command from its records: 1, with a line on standard
    /// error for each reason, when repetitions failed or a mode's checksum disagrees (the
    /// modes did other work); 0 otherwise.
    static func failureStatus(of records: [RepetitionRecord], resultsPath: String) -> Int32 {
        var status: Int32 = 0
        let failed = records.filter { $0.status == .failed }.count
        if failed > 0 {
            Console.error("lab: \(failed) of \(counted(records.count, "repetition")) failed; see the error column of \(resultsPath)\n")
            status = 1
        }
        for mismatch in ChecksumProof.mismatches(in: records) {
            Console.error("lab: \(mismatch)\n")
            status = 1
        }
        return status
    }

    /// One warning line, after a measuring command's results, naming the cells whose
    /// repetitions the rest of the machine disturbed and by how much; nothing when none was.
    static func warnAboutDisturbance(_ records: [RepetitionRecord], folder: String) {
        if let warning = CellSummary.disturbanceWarning(CellSummary.summarize(records), report: "\(folder)/report.md") {
            Console.error("lab: warning: \(warning)\n")
        }
    }

    /// One warning line for each record a run folder's readers left out because its file was
    /// cut short there (a full disk, a crash); nothing for a whole folder.
    static func warnAboutLeftOut(_ notes: [String]) {
        for note in notes {
            Console.error("lab: warning: \(note)\n")
        }
    }

    /// What `--dry-run` prints: the command's plan in one line.
    static func dryRun(_ plan: String) -> Int32 {
        Console.output("lab: dry run: \(plan); every option is valid; nothing was measured or created\n")
        return 0
    }

    static let defaultTaskTimeoutSeconds = 300.0
    static let taskTimeoutExpectation = "a number of seconds from 0.001 to 86400"

    /// `--task-timeout`, as every measuring command takes it.
    static let taskTimeoutOption = OptionSpec(
        "--task-timeout", value: "SECONDS", expected: taskTimeoutExpectation, default: "\(Int(defaultTaskTimeoutSeconds))",
        help: "A task that runs longer fails. In process mode its worker is killed and replaced and the run goes on; a thread cannot be killed, so in the other modes the lab writes what it has (marked partial) and stops with status 1.")

    /// The value of `--task-timeout`, or the default.
    static func taskTimeout(_ parsed: ParsedArguments) throws -> Double {
        try parsed.value("--task-timeout").map {
            try parseNumber($0, option: "--task-timeout", range: 0.001...86_400, expected: taskTimeoutExpectation)
        } ?? defaultTaskTimeoutSeconds
    }

    /// The value of `--out`, refusing an empty one; `nil` when absent.
    static func requestedOut(_ parsed: ParsedArguments) throws(UsageError) -> String? {
        if let out = parsed.value("--out"), out.isEmpty {
            throw .invalidValue(option: "--out", value: out, expected: "a folder path that does not exist yet")
        }
        return parsed.value("--out")
    }

    /// The arguments that make the `lab` binary a worker process, and the raw pipe peer of
    /// the calibration: the lab's hidden commands, handed to the engine.
    static let workerArguments = [WorkerServiceCommand.name]
    static let peerArguments = [CalibrationPeerCommand.name]

    /// How worker processes are started: this very binary, as `lab worker`.
    /// - Throws: ``LabFailure`` (exit 1) when the lab cannot find its own executable.
    static func workerCommand() throws -> WorkerCommand {
        do {
            return WorkerCommand(
                executablePath: try Platform.executablePath(), arguments: workerArguments, forkServerArguments: [ForkServerCommand.name])
        } catch {
            throw LabFailure("cannot find the lab's own executable for worker processes: \(error)")
        }
    }

    /// The raw pipe peer of `lab calibrate` and `lab bench`: this binary, as `lab calibrate-peer`.
    static func peerCommand(_ worker: WorkerCommand) -> WorkerCommand {
        WorkerCommand(executablePath: worker.executablePath, arguments: peerArguments)
    }

    /// The start of a command that measures into a folder of its own, once its input is
    /// valid: refuses an empty `--out`, finds the lab's own binary for the workers, creates
    /// the folder, and warns about a debug build.
    /// - Returns: how workers start, the folder's path and the run ID.
    static func prepareOutput(_ parsed: ParsedArguments, command: String) throws -> (worker: WorkerCommand, path: String, runID: String) {
        let requested = try requestedOut(parsed)
        let worker = try workerCommand()
        let (path, runID) = try OutputFolder.create(requested: requested)
        warnAboutDebugBuild(command: command)
        return (worker, path, runID)
    }

    /// Always said, even with --quiet: debug timings mislead about every mode.
    static func warnAboutDebugBuild(command: String) {
        #if DEBUG
        Console.error("lab: warning: this is a debug build; its timings are not representative. Use 'swift run -c release lab \(command)'.\n")
        #endif
    }

    /// How long a measuring command watches the rest of the machine before it starts.
    static let machineCheckSeconds = 0.2

    /// The session that owns the run folder at `path` from now on: `run.json` (marked partial
    /// until the end), `results.csv`, Ctrl-C and stuck tasks, which print their message and
    /// end the lab. `command` and `arguments` (the options that chose the plan) are recorded
    /// for `--resume`.
    static func startSession(
        path: String, runID: String, plan: RunDescription.Plan, worker: WorkerCommand, command: String? = nil, arguments: [String]? = nil
    ) throws -> RunSession {
        let check = machineCheck()
        var description = describeRun(runID: runID, plan: plan, worker: worker)
        description.counters = .current()
        description.checks = check.findings
        description.command = command
        description.arguments = arguments
        return try RunSession(path: path, description: description, end: endProcess)
    }

    /// The machine as a run starts (or resumes): its warnings said (the build's is said
    /// already), every finding returned for the record.
    private static func machineCheck() -> MachineCheck {
        let check = MachineCheck.current(sampleSeconds: machineCheckSeconds, debugBuild: BuildInfo.configuration == "debug")
        for finding in check.warnings where finding.topic != "build" {
            Console.error("lab: warning: \(finding.topic): \(finding.text)\n")
        }
        return check
    }

    /// A run's description as this build on this machine would write it now.
    private static func describeRun(runID: String, plan: RunDescription.Plan, worker: WorkerCommand) -> RunDescription {
        RunDescription(
            runID: runID, labVersion: BuildInfo.labVersion, gitCommit: BuildInfo.gitCommit(executablePath: worker.executablePath),
            swiftVersion: BuildInfo.swiftVersion, buildConfiguration: BuildInfo.configuration, machine: .current(), plan: plan,
            startedAt: RunDescription.now(), endedAt: nil, partial: true)
    }

    private static let endProcess: @Sendable (String, Int32) -> Never = { message, status in
        Console.error("\n" + message + "\n")
        _exit(status)
    }

    /// `--resume DIR`, as `lab run`, `lab scale` and `lab crossover` take it.
    static let resumeOption = OptionSpec(
        "--resume", value: "DIR", expected: "the folder of a run this command made",
        help: "Takes up a run that stopped before its end (Ctrl-C, a full disk, a reboot) in its own folder: measures only the repetitions its results.csv lacks, in the plan's order, the warm-ups again before each cell taken up. The plan is the folder's (run.json records it); plan options given as well must agree with it. Refused when the lab's build or the machine differ from the run's. --out cannot be given with it.")

    /// The options that do not choose what a run measures: where and how loudly it writes,
    /// and the task timeout (a safety limit). All others are the plan's, recorded in run.json.
    static let notPlanOptions: Set<String> = ["--out", "--resume", "--quiet", "--format", "--dry-run", "--task-timeout"]

    /// A run folder to take up, read and checked; nothing has been written yet.
    struct Resumption {
        let path: String
        let description: RunDescription
        let records: [RepetitionRecord]
        let leftOut: [String]
        let wholeLength: Int
        /// The arguments the command runs with: the folder's plan options, those the user gave
        /// in their place, and the user's other options; never `--resume` or `--out`.
        let arguments: [String]
        /// Whether the user gave plan options (then they must restate the folder's plan).
        let userGavePlan: Bool

        /// The repetitions of `plan` that the folder lacks.
        func missing(in plan: ExperimentPlan, order: RepetitionOrder) -> Int {
            let kept = Set(records.map(RepetitionKey.init))
            return plan.workloads.reduce(0) { count, workload in
                count + plan.schedule(of: workload, order: order).filter { !$0.isWarmup && !kept.contains(RepetitionKey($0.cell, repetition: $0.repetition)) }.count
            }
        }

        /// Where the plan options the user gave differ from those the folder records, option
        /// by option, as given (for a study whose run.json plan grows as it measures).
        func optionDifferences(parser: CommandLineParser) throws(UsageError) -> [String] {
            guard userGavePlan else { return [] }
            let folder = try parser.parse(description.arguments ?? [])
            let now = try parser.parse(parser.split(arguments, taking: CommandSupport.notPlanOptions).others)
            func text(_ parsed: ParsedArguments, _ name: String) -> String {
                if let values = parsed.values[name] { return values.joined(separator: " ") }
                return parsed.has(name) ? "given" : "not given"
            }
            let names = Set(folder.values.keys).union(now.values.keys).union(folder.flags).union(now.flags)
            return parser.options.map(\.name).filter(names.contains).compactMap { name in
                let (mine, theirs) = (text(folder, name), text(now, name))
                return mine == theirs ? nil : "\(name): \(mine) in the folder, \(theirs) now"
            }
        }

        /// For a study of fixed cells (`lab run`, `lab scale`): refuses a plan other than the
        /// folder's, and counts the repetitions left; `nil` when the run ended with all of them.
        func left(in plan: ExperimentPlan, as planned: RunDescription.Plan, order: RepetitionOrder) throws(UsageError) -> Int? {
            try check(description.plan.differences(from: planned))
            let missing = missing(in: plan, order: order)
            return missing == 0 && !description.partial ? nil : missing
        }

        /// What a command says and returns when the folder's run ended: nothing to do.
        func nothingToResume() -> Int32 {
            Console.output("lab: nothing to resume: the run in \(path) ended with every repetition of its plan; nothing was measured or written\n")
            return 0
        }

        /// What `--dry-run` says with `--resume`.
        func dryRun(missing: Int?, of planned: Int?) -> Int32 {
            let left = missing.map { "\(counted($0, "repetition")) of \(planned ?? 0) to measure" } ?? "the sizes still to measure follow from what the kept ones show"
            return CommandSupport.dryRun("resume \(path): \(left), \(records.count) kept")
        }

        /// Refuses a plan that is not the folder's, naming each difference.
        func check(_ differences: [String]) throws(UsageError) {
            guard !differences.isEmpty else { return }
            throw .other(
                "cannot resume '\(path.shownInMessage)' with another plan (\(differences.joined(separator: "; "))); give --resume \(path.shownInMessage) alone to take the folder's plan")
        }
    }

    /// The folder named by `--resume`, when given: read, and checked against this command,
    /// this build and this machine. Nothing is written.
    /// - Throws: ``UsageError`` (exit 2) when `--out` is given too, when the folder is another
    ///   command's or a run the lab cannot resume, or when the build or the machine differ;
    ///   ``RunFolderError`` when the folder does not read.
    static func resumption(_ arguments: [String], parser: CommandLineParser, command: String) throws -> Resumption? {
        let parsed = try parser.parse(arguments)
        guard let path = parsed.value("--resume") else { return nil }
        if parsed.value("--out") != nil {
            throw UsageError.other("--resume \(path.shownInMessage) goes on in that folder; --out cannot be given with it")
        }
        let folder = RunFolder(path: path)
        let description = try folder.runDescription()
        guard description.command == command, let stored = description.arguments else {
            if let other = description.command, description.arguments != nil {
                throw UsageError.other("'\(path.shownInMessage)' was made by 'lab \(other)'; resume it with 'lab \(other) --resume \(path.shownInMessage)'")
            }
            if let other = description.command {
                throw UsageError.other("cannot resume '\(path.shownInMessage)': it was made by 'lab \(other)', which measures again from the start")
            }
            throw UsageError.other(
                "cannot resume '\(path.shownInMessage)': it was made by \(description.runtime ?? "lab \(description.labVersion)"), which does not record how to go on (lab 0.7.0 and later do)")
        }
        let now = describeRun(runID: description.runID, plan: description.plan, worker: try workerCommand())
        let differences = description.differences(from: now)
        if !differences.isEmpty {
            throw UsageError.other(
                "cannot resume '\(path.shownInMessage)': its numbers and this lab's would not compare (\(differences.joined(separator: "; "))); resume it with the build and on the machine that made it, or start a new run")
        }
        let results = try folder.readResults()
        // The folder's plan options, each one the user gave replaced by theirs (to be compared
        // with the folder's plan), and the user's other options.
        let given = parser.split(arguments, taking: notPlanOptions)
        let others = parser.split(given.taken, taking: ["--resume", "--out"]).others
        let restated = try parser.parse(given.others)
        let kept = parser.split(stored, taking: Set(restated.values.keys).union(restated.flags)).others
        return Resumption(
            path: path, description: description, records: results.records, leftOut: results.leftOut, wholeLength: results.wholeLength,
            arguments: kept + given.others + others, userGavePlan: !given.others.isEmpty)
    }

    /// The session a measuring command writes through, and how its workers start: in the
    /// folder it resumes, or in a new folder (`--out`, or `Results/<run-id>`) that records
    /// `command` and the plan options of `arguments`.
    static func openSession(
        _ resumption: Resumption?, missing: Int?, command: String, plan: RunDescription.Plan, arguments: [String], parser: CommandLineParser
    ) throws -> (worker: WorkerCommand, session: RunSession) {
        if let resumption {
            return (try workerCommand(), try resumeSession(resumption, missing: missing))
        }
        let (worker, path, runID) = try prepareOutput(try parser.parse(arguments), command: command)
        let session = try startSession(
            path: path, runID: runID, plan: plan, worker: worker, command: command, arguments: parser.split(arguments, taking: notPlanOptions).others)
        return (worker, session)
    }

    /// The session that takes up `resumption`'s folder: the machine check runs again, every
    /// kept row stays, and `run.json` records the resumption.
    static func resumeSession(_ resumption: Resumption, missing: Int?) throws -> RunSession {
        warnAboutDebugBuild(command: resumption.description.command ?? "run")
        let check = machineCheck()
        warnAboutLeftOut(resumption.leftOut)
        let record = RunDescription.Resumption(
            startedAt: RunDescription.now(), kept: resumption.records.count, missing: missing, leftOut: resumption.leftOut,
            checks: check.findings)
        return try RunSession(
            resuming: resumption.path, description: resumption.description, kept: resumption.records, wholeLength: resumption.wholeLength,
            resumption: record, end: endProcess)
    }

    /// `--set WORKLOAD.PARAM=VALUE` settings, each naming a workload of `workloads`, into
    /// `["primes": ["limit": "2000000"]]`: the one reading of `--set`, for every command.
    static func parseSettings(_ settings: [String], registry: WorkloadRegistry, workloads: [String]) throws(UsageError) -> [String: [String: String]] {
        var overrides: [String: [String: String]] = [:]
        for setting in settings {
            let expected = "WORKLOAD.PARAM=VALUE, such as \(workloads.first ?? "primes").PARAM=VALUE"
            guard let equals = setting.firstIndex(of: "="), let dot = setting[..<equals].firstIndex(of: ".") else {
                throw .invalidValue(option: "--set", value: setting, expected: expected)
            }
            let workload = String(setting[..<dot])
            let parameter = String(setting[setting.index(after: dot)..<equals])
            let value = String(setting[setting.index(after: equals)...])
            guard !workload.isEmpty, !parameter.isEmpty else { throw .invalidValue(option: "--set", value: setting, expected: expected) }
            guard registry.names.contains(workload) else {
                throw .other("unknown workload '\(workload)' in --set \(setting); known workloads: \(registry.names.joined(separator: ", "))")
            }
            guard workloads.contains(workload) else {
                throw .other("--set \(setting) names workload '\(workload)', which this run does not include; workloads in this run: \(workloads.joined(separator: ", "))")
            }
            guard overrides[workload]?[parameter] == nil else {
                throw .other("--set gives \(workload).\(parameter) more than once; set each parameter once")
            }
            overrides[workload, default: [:]][parameter] = value
        }
        return overrides
    }
}
