import LabCore
import LabReport
import LabStudies

/// A run folder to take up (`--resume DIR`, as `lab run`, `lab scale` and `lab crossover`
/// take it), read and checked; nothing has been written yet.
struct ResumedRun {
    let path: String
    let description: RunDescription
    let records: [RepetitionRecord]
    let leftOut: [String]
    let wholeLength: Int
    /// The folder's lock, taken before anything of it was read: held by the session from then on.
    let lock: RunFolderLock
    /// The arguments the command runs with: the folder's plan options, those the user gave
    /// in their place, and the user's other options; never `--resume` or `--out`.
    let arguments: [String]
    /// Whether the user gave plan options (then they must restate the folder's plan).
    let userGavePlan: Bool

    /// The repetitions of `plan` that the folder lacks.
    func missing(in plan: ExperimentPlan, order: RepetitionOrder) -> Int {
        let kept = Set(records.map(RepetitionKey.init))
        return plan.workloads.reduce(0) { count, workload in
            count
                + plan.schedule(of: workload, order: order).filter {
                    !$0.isWarmup && !kept.contains(RepetitionKey($0.cell, repetition: $0.repetition))
                }.count
        }
    }

    /// Where the plan options the user gave differ from those the folder records, option
    /// by option, as given (for a study whose run.json plan grows as it measures).
    func optionDifferences(parser: CommandLineParser) throws(UsageError) -> [String] {
        guard userGavePlan else { return [] }
        let folder = try parser.parse(description.arguments ?? [])
        let now = try parser.parse(parser.split(arguments, taking: Self.notPlanOptions).others)
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
    func left(
        in plan: ExperimentPlan, as planned: RunDescription.Plan, order: RepetitionOrder
    ) throws(UsageError) -> Int? {
        try check(description.plan.differences(from: planned))
        let missing = missing(in: plan, order: order)
        return missing == 0 && !description.partial ? nil : missing
    }

    /// What a command says and returns when the folder's run ended: nothing to do.
    func nothingToResume() -> Int32 {
        Console.output(
            "lab: nothing to resume: the run in \(path) ended with every repetition of its plan; nothing was measured "
                + "or written\n"
        )
        return 0
    }

    /// What `--dry-run` says with `--resume`.
    func dryRun(missing: Int?, of planned: Int?) -> Int32 {
        let left =
            missing.map { "\(counted($0, "repetition")) of \(planned ?? 0) to measure" }
            ?? "the sizes still to measure follow from what the kept ones show"
        return CommandSupport.dryRun("resume \(path): \(left), \(records.count) kept")
    }

    /// Refuses a plan that is not the folder's, naming each difference.
    func check(_ differences: [String]) throws(UsageError) {
        guard !differences.isEmpty else { return }
        throw .other(
            "cannot resume '\(path.shownInMessage)' with another plan (\(differences.joined(separator: "; "))); give "
                + "--resume \(path.shownInMessage) alone to take the folder's plan"
        )
    }

    /// `--resume DIR`.
    static let option = OptionSpec(
        "--resume", value: "DIR", expected: "the folder of a run this command made",
        help:
            "Takes up a run that stopped before its end (Ctrl-C, a full disk, a reboot) in its own folder: measures "
            + "only the repetitions its results.csv lacks, in the plan's order, the warm-ups again before each "
            + "cell taken up. The plan is the folder's (run.json records it); plan options given as well must "
            + "agree with it. Refused when the lab's build or the machine differ from the run's. --out cannot be "
            + "given with it."
    )

    /// The options that do not choose what a run measures: where and how loudly it writes,
    /// and the task timeout (a safety limit). All others are the plan's, recorded in run.json.
    static let notPlanOptions: Set<String> = [
        "--out", "--resume", "--quiet", "--format", "--dry-run", "--task-timeout", "--calibration",
    ]

    /// The folder named by `--resume`, when given: read, and checked against this command,
    /// this build and this machine. Nothing is written.
    /// - Throws: ``UsageError`` (exit 2) when `--out` is given too, when the folder is another
    ///   command's or a run the lab cannot resume, or when the build or the machine differ;
    ///   ``RunFolderError`` when the folder does not read.
    static func read(_ arguments: [String], parser: CommandLineParser, command: String) throws -> ResumedRun? {
        let parsed = try parser.parse(arguments)
        guard let path = parsed.value("--resume") else { return nil }
        if parsed.value("--out") != nil {
            throw UsageError.other(
                "--resume \(path.shownInMessage) goes on in that folder; --out cannot be given with it")
        }
        let folder = RunFolder(path: path)
        // Before anything is read: a run still writing the folder would change it under us.
        let lock = try RunFolderLock.acquire(path)
        let description = try folder.runDescription()
        guard description.command == command, let stored = description.arguments else {
            if let other = description.command, description.arguments != nil {
                throw UsageError.other(
                    "'\(path.shownInMessage)' was made by 'lab \(other)'; resume it with 'lab \(other) --resume "
                        + "\(path.shownInMessage)'"
                )
            }
            if let other = description.command {
                throw UsageError.other(
                    "cannot resume '\(path.shownInMessage)': it was made by 'lab \(other)', which measures again from "
                        + "the start"
                )
            }
            throw UsageError.other(
                "cannot resume '\(path.shownInMessage)': it was made by "
                    + "\(description.runtime ?? "lab \(description.labVersion)"), which does not record how to go on "
                    + "(lab 0.7.0 and later do)"
            )
        }
        let now = RunOpening.describeRun(
            runID: description.runID, plan: description.plan, worker: try RunOpening.workerExecutable())
        let differences = description.differences(from: now)
        if !differences.isEmpty {
            throw UsageError.other(
                "cannot resume '\(path.shownInMessage)': its numbers and this lab's would not compare "
                    + "(\(differences.joined(separator: "; "))); resume it with the build and on the machine that made "
                    + "it, or start a new run"
            )
        }
        let results = try folder.readResults()
        // The folder's plan options, each one the user gave replaced by theirs (to be compared
        // with the folder's plan), and the user's other options.
        let given = parser.split(arguments, taking: notPlanOptions)
        let others = parser.split(given.taken, taking: ["--resume", "--out"]).others
        let restated = try parser.parse(given.others)
        let kept = parser.split(stored, taking: Set(restated.values.keys).union(restated.flags)).others
        return ResumedRun(
            path: path, description: description, records: results.records, leftOut: results.leftOut,
            wholeLength: results.wholeLength,
            lock: lock, arguments: kept + given.others + others, userGavePlan: !given.others.isEmpty)
    }

    /// The session that takes up the folder: the machine check runs again, every
    /// kept row stays, and `run.json` records the resumption (when, how many rows were kept
    /// and how many are missing, what was left out, and the machine check's findings).
    func session(missing: Int?) throws -> RunSession {
        RunOpening.warnAboutDebugBuild(command: description.command ?? "run")
        let check = RunOpening.machineCheck()
        CommandSupport.warnAboutLeftOut(leftOut)
        let record = RunDescription.Resumption(
            startedAt: RunDescription.now(), kept: records.count, missing: missing, leftOut: leftOut,
            checks: check.findings)
        return try RunSession(
            resuming: path, lock: lock, description: description, kept: records, wholeLength: wholeLength,
            resumption: record, end: RunOpening.endProcess)
    }
}
