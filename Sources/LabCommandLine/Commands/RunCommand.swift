import Glibc
import LabCore
import LabReport
import LabStudies

/// `lab run`: validates the whole plan, creates the run folder, runs every cell, appends each
/// measured repetition to `results.csv`, then writes and prints the chart.
struct RunCommand: Command {
    static let name = "run"
    static let summary = [
        "Run the experiment matrix (workloads x modes x worker counts, repeated)",
        "and write results, summary, charts and a report into Results/<run-id>/.",
    ]
    static let repetitions = SharedOptions.repetitions(upTo: 1000)

    let registry: WorkloadRegistry

    var options: [OptionSpec] {
        [
            SharedOptions.workloadsOption(
                registry,
                help:
                    "Workloads to run, comma-separated. The default is every workload but those that leave "
                    + "themselves out of the default plan "
                    + "("
                    + registry.names.filter { !registry.defaultPlanNames.contains($0) }.joined(separator: ", ")
                    + "); "
                    + "'lab list' shows them all."
            ),
            SharedOptions.modesOption(
                help:
                    "Modes to run, comma-separated: sequential (one after another), threads (a pool of threads), "
                    + "processes (a pool of 'lab worker' child processes fed through pipes, or see "
                    + "--transport), async (a task group)."
            ),
            OptionSpec(
                "--workers", value: "LIST", expected: SharedOptions.workersExpectation,
                default: "\(Platform.activeProcessorCount), the number of cores",
                portableDefault: "the number of cores",
                help:
                    "Pool sizes, comma-separated; '1,2,4' scans. Threads in the pool, worker processes in the pool "
                    + "(at most 1024: past that a list runs threads and async alone, and says so), or async "
                    + "tasks in flight. Sequential runs once per workload whatever this says."
            ),
            SharedOptions.tasks.spec(
                default: "each workload's own",
                help:
                    "Tasks per repetition, for every workload. The lab keeps no row per task: outcomes are folded "
                    + "as they come and a repetition's timeline keeps at most "
                    + "\(Explanation.grouped(Double(RepetitionTimeline.keptSpanLimit))) spans, so its memory "
                    + "stays flat as tasks grow."
            ),
            Self.repetitions.spec(
                default: "\(SharedOptions.defaultRepetitions)", help: "Measured repetitions per cell."),
            SharedOptions.warmup.spec(
                default: "\(SharedOptions.defaultWarmup)", help: "Unrecorded repetitions per cell, run first."),
            SharedOptions.setOption(
                expected: "WORKLOAD.PARAM=VALUE, such as primes.limit=2000000",
                help: "Sets a workload parameter; may repeat. 'lab list' shows the parameters."),
            OptionSpec(
                "--quick",
                help:
                    "Use every workload's small quick values instead of its defaults (parameters given with --set "
                    + "still win)."
            ),
            SharedOptions.outOption(help: "The run folder to create; it must not exist yet."),
            OptionSpec(
                "--order", value: "ORDER", expected: "one of: \(caseNames(RepetitionOrder.self))",
                default: "interleaved",
                help:
                    "interleaved runs a workload's repetitions round-robin across its cells (sequential, threads, "
                    + "processes, async, sequential, ...), so a machine's drift hits every mode alike; grouped "
                    + "runs each cell's repetitions back to back."
            ),
            OptionSpec(
                "--format", value: "FORMAT", expected: "one of: \(caseNames(OutputFormat.self))", default: "text",
                help:
                    "What standard output gets at the end: text (the chart) or json (the summary, with "
                    + "summary.csv's column names)."
            ),
            SharedOptions.taskTimeoutOption,
            SharedOptions.batchOption(
                help:
                    "Tasks a thread or worker process claims at once, like chunksize in Python's "
                    + "ProcessPoolExecutor.map: a process batch travels through the pipe in one write. auto "
                    + "takes at most \(BatchSize.automaticLimit) and leaves every worker at least "
                    + "\(BatchSize.automaticBatchesPerWorker) batches; 1 hands out task by task."
            ),
            SharedOptions.pinOption,
            SharedOptions.transportsOption(
                default: [.default],
                help:
                    "What worker processes talk to the coordinator over, comma-separated; a process cell for each: "
                    + "pipe (two pipes), socketpair (a Unix socket pair) or shm (a shared-memory ring each "
                    + "way, the waiting side spinning --spin polls and then sleeping on a futex)."
            ),
            SharedOptions.spinOption,
            SharedOptions.datasetsOption(list: true),
            SharedOptions.startsOption(list: true),
            SharedOptions.calibrationOption,
            SharedOptions.quietOption,
            SharedOptions.dryRunOption,
            ResumedRun.option,
        ]
    }

    var help: String {
        """
        USAGE: lab run [options]

        Runs every workload x mode x worker count, repeats each cell, and writes into the
        run folder: results.csv (one row per repetition, written as each finishes, with
        what the machine did), tasks.csv and lanes.csv (each repetition's timeline),
        summary.csv (statistics per cell), chart.txt (also printed), chart.svg, report.md,
        a timeline-<workload>.svg per workload, trace.json (for Perfetto) and run.json
        (machine, toolchain, plan, counters, the machine check). Results/README.md says
        what every file and column holds.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab run
          lab run --quick
          lab run --workloads primes,sleep --modes sequential,threads,processes \\
                  --workers 1,2,4 --tasks 8 --repetitions 5 --warmup 1 \\
                  --set primes.limit=2000000 --out /tmp/primes-scan
          lab run --workloads sleep --set sleep.seconds=3,2,1 --workers 3 --repetitions 1 --warmup 0
          lab run --workloads contention,digest --workers 1,2 --quick
          lab run --workloads noop,digest,mandelbrot --modes threads,processes \\
                  --transport pipe,socketpair,shm
          lab run --workloads bandwidth,slices --modes threads,processes --dataset copy,map --quick
          lab run --workloads primes,bandwidth --modes threads,processes --transport shm \\
                  --dataset map --start spawn,forkserver --quick
          lab run --resume Results/20261206T041642Z

        """
    }

    /// The plan and settings after validation; nothing has been created yet.
    struct Settings {
        var plan: ExperimentPlan
        var out: String?
        var quiet: Bool
        var order: RepetitionOrder
        var format: OutputFormat
        var taskTimeoutSeconds: Double
        var batch: BatchSize
        var placement: CorePlacement
        var spinPolls: Int
        var dryRun: Bool
        /// Where processes stop in `--workers` (``SharedOptions/processesStop(modes:workers:)``).
        var processesStop: String?
        /// `--calibration`'s file, read (a dry run checks it too).
        var calibration: SharedOptions.GivenCalibration?
    }

    /// What `lab run` prints on standard output at the end.
    enum OutputFormat: String, CaseIterable {
        /// The ASCII chart.
        case text
        /// The summary as JSON, with the names of summary.csv's columns, for scripts.
        case json
    }

    func validate(_ arguments: [String]) throws -> Settings {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: "run") }

        let types = try SharedOptions.workloads(parsed, registry)

        let modes: [ExecutionMode] = try SharedOptions.choices(
            parsed, "--modes", list: true, default: ExecutionMode.allCases)

        let workers = try SharedOptions.workerCounts(parsed) ?? [Platform.activeProcessorCount]
        let tasks = try SharedOptions.tasks.value(parsed)
        let repetitions = try Self.repetitions.value(parsed) ?? SharedOptions.defaultRepetitions
        let warmup = try SharedOptions.warmup.value(parsed) ?? SharedOptions.defaultWarmup

        let overrides = try SharedOptions.parseSettings(
            parsed.values["--set"] ?? [], registry: registry, workloads: types.map { $0.name })
        let quick = parsed.has("--quick")
        let workloads = try types.map { type in
            let parameters = try type.parameters(overriding: overrides[type.name] ?? [:], quick: quick)
            return try CommandSupport.configuredWorkload(type, parameters: parameters, tasks: tasks)
        }
        let out = try SharedOptions.requestedOut(parsed)
        let calibration = try SharedOptions.calibration(parsed)
        let order =
            try parsed.value("--order").map { (text: String) throws(UsageError) -> RepetitionOrder in
                try parseChoice(text, option: "--order")
            } ?? .interleaved
        let format =
            try parsed.value("--format").map { (text: String) throws(UsageError) -> OutputFormat in
                try parseChoice(text, option: "--format")
            } ?? .text
        let timeout = try SharedOptions.taskTimeout(parsed)
        let batch = try SharedOptions.batch(parsed)
        let placement = try SharedOptions.placement(parsed)
        let transports: [Transport] = try SharedOptions.choices(parsed, "--transport", list: true, default: [.default])
        let spin = try SharedOptions.spin(parsed)
        let datasets = try SharedOptions.datasets(parsed, list: true)
        let starts = try SharedOptions.starts(parsed, list: true)
        if modes.contains(.processes) {
            SharedOptions.warnAboutSpinning(placement: placement, transports: transports, spinPolls: spin)
        }
        for workload in workloads {
            for mode in modes {
                if let reason = workload.type.refusal(for: mode, parameters: workload.parameters) {
                    throw UsageError.other(reason)
                }
            }
        }
        let processesStop = try SharedOptions.processesStop(modes: modes, workers: workers)
        return Settings(
            plan: ExperimentPlan(
                workloads: workloads, modes: modes, workerCounts: workers, repetitions: repetitions, warmup: warmup,
                transports: transports,
                datasets: datasets, starts: starts),
            out: out, quiet: parsed.has("--quiet"), order: order, format: format, taskTimeoutSeconds: timeout,
            batch: batch, placement: placement, spinPolls: spin, dryRun: parsed.has("--dry-run"),
            processesStop: processesStop,
            calibration: calibration)
    }

    /// Runs the command; returns the exit status.
    func run(_ arguments: [String]) throws -> Int32 {
        let resumption = try ResumedRun.read(arguments, parser: parser, command: "run")
        let settings = try validate(resumption?.arguments ?? arguments)
        if let line = settings.processesStop { Console.error("lab: \(line)\n") }
        try CommandSupport.makeRoomForDescriptors(settings.plan)
        let description = RunDescription.Plan(
            settings.plan, order: settings.order.rawValue, batch: settings.batch, placement: settings.placement,
            spinPolls: settings.spinPolls)
        let planned = settings.plan.cells.count * settings.plan.repetitions
        var missing = planned
        if let resumption {
            guard let left = try resumption.left(in: settings.plan, as: description, order: settings.order) else {
                return resumption.nothingToResume()
            }
            missing = left
        }
        if settings.dryRun {
            if let resumption { return resumption.dryRun(missing: missing, of: planned) }
            return CommandSupport.dryRun(
                "\(counted(settings.plan.cells.count, "cell")) of "
                    + "\(settings.plan.workloads.map(\.name).joined(separator: ", ")), "
                    + "\(counted(settings.plan.totalRepetitions, "repetition")) (warm-ups included)"
            )
        }
        let (worker, session) = try RunOpening.openSession(
            resumption, missing: missing, command: "run", plan: description,
            arguments: resumption?.arguments ?? arguments,
            out: settings.out, parser: parser, calibration: settings.calibration, quiet: settings.quiet)
        let (path, runID) = (session.folder.path, session.runID)
        let progress = ProgressDisplay(quiet: settings.quiet, total: settings.plan.totalRepetitions)
        if !settings.quiet {
            if let resumption {
                Console.error(
                    "lab: resuming run \(runID): \(counted(missing, "repetition")) of \(planned) left to measure "
                        + "(\(resumption.records.count) kept), warm-ups first for each cell taken up, writing "
                        + "\(path)/\n"
                )
            } else {
                Console.error(
                    "lab: run \(runID): \(counted(settings.plan.cells.count, "cell")), "
                        + "\(counted(settings.plan.totalRepetitions, "repetition")) (warm-ups included), writing "
                        + "\(path)/\n"
                )
            }
        }
        // For tests and the curious (LAB_RESOURCE_REPORT=1): the coordinator's descriptors and
        // threads after the first repetition and at the end, which must be equal. The first
        // repetition is the baseline because Foundation and Dispatch set up their own threads
        // and descriptors lazily, once (measured: 8-10 descriptors and 2 threads at start,
        // 18 and 4 after any number of repetitions).
        let reportsResources = Platform.environmentValue("LAB_RESOURCE_REPORT") == "1"
        var resourcesBefore: ResourceCount?
        var records: [RepetitionRecord] = []
        let runner = session.experimentRunner(
            workerExecutable: worker, taskTimeoutSeconds: settings.taskTimeoutSeconds, batch: settings.batch,
            placement: settings.placement,
            spinPolls: settings.spinPolls)
        // Derived from the files, exactly as 'lab report' derives them.
        let derived = try session.conclude {
            records = try session.run(settings.plan, with: runner, order: settings.order) { event in
                progress.show(event)
                if reportsResources, resourcesBefore == nil, case .willRun(_, _, _, let position, _) = event,
                    position == 2
                {
                    resourcesBefore = ResourceCount.current()
                }
            }
            progress.finish()
        }
        if let before = resourcesBefore {
            let after = ResourceCount.current()
            Console.error(
                "lab: resources: descriptors \(before.descriptors) -> \(after.descriptors), threads \(before.threads) "
                    + "-> \(after.threads), shared regions \(before.sharedRegions) -> \(after.sharedRegions)\n"
            )
        }
        // The summary as the files have it: from results.csv read back.
        let summaries = derived.summaries
        switch settings.format {
        case .text:
            Console.output(derived.text(of: RunFolder.chartName))
            Console.output("\n" + wroteLine([], derived: derived, in: path))
        case .json:
            Console.output(try JSONSummary.render(runID: runID, folder: path, cells: summaries))
        }
        let noisy = summaries.filter { $0.warning != nil }
        if !noisy.isEmpty {
            // One line, like hyperfine's; report.md says what is wrong with each cell.
            let names =
                noisy.prefix(6).map { "\($0.workload) \($0.label)" }.joined(separator: ", ")
                + (noisy.count > 6 ? ", ..." : "")
            Console.error(
                "lab: warning: \(counted(noisy.count, "cell")) with outliers, a wide 95% CI or failures (\(names)); "
                    + "the comparison is not safe there: see \(path)/\(RunFolder.reportName), or use more "
                    + "--repetitions\n"
            )
        }
        CommandSupport.warnAboutDisturbance(records, folder: path)

        return CommandSupport.failureStatus(of: records, resultsPath: session.folder.resultsPath)
    }
}

/// Open file descriptors and threads of this process, from /proc/self.
struct ResourceCount {
    let descriptors: Int
    let threads: Int
    /// Mappings of `shm` workers' regions still in the coordinator (`memfd:lab-worker` in
    /// /proc/self/maps); 0 between cells.
    let sharedRegions: Int

    static func current() -> ResourceCount {
        ResourceCount(
            descriptors: (try? Platform.openDescriptorCount()) ?? -1,
            threads: (try? Platform.directoryEntries("/proc/self/task").count) ?? -1,
            sharedRegions: (try? Platform.mappingCount(naming: "memfd:lab-worker")) ?? -1)
    }
}
