import LabCore
import LabReport
import LabStudies

/// `lab scale`: how each mode's speedup over sequential grows with the number of workers.
struct ScaleCommand: Command {
    static let name = "scale"
    static let summary = [
        "How each mode's speedup grows with the number of workers."
    ]
    static let repetitions = SharedOptions.repetitions(upTo: 100)

    let registry: WorkloadRegistry

    var options: [OptionSpec] {
        [
            SharedOptions.workloadOption(registry, help: "The workload to scale (required)."),
            OptionSpec(
                "--workers", value: "LIST", expected: SharedOptions.workersExpectation,
                default:
                    ScaleReport.defaultWorkerCounts(cores: Platform.activeProcessorCount).map(String.init)
                    .joined(separator: ",") + ": powers of two up to 4 x the cores, and the core count",
                portableDefault: "powers of two up to 4 x the cores, and the core count",
                help: "Worker counts to measure each pooled mode at."),
            SharedOptions.modesOption(
                help: "Modes to scale; sequential, the baseline of every speedup, always runs."),
            SharedOptions.tasks.spec(default: "the workload's own", help: "Tasks per repetition."),
            Self.repetitions.spec(
                default: "\(SharedOptions.defaultRepetitions)",
                help: "Measured repetitions per cell, interleaved across cells."),
            SharedOptions.warmup.spec(
                default: "\(SharedOptions.defaultWarmup)", help: "Unrecorded repetitions per cell, run first."),
            SharedOptions.setOption(
                expected: "WORKLOAD.PARAM=VALUE for the scaled workload",
                help: "Sets a parameter of the workload; may repeat."),
            OptionSpec("--quick", help: "The workload's small quick values instead of its defaults."),
            SharedOptions.datasetsOption(list: false),
            SharedOptions.startsOption(list: false),
        ] + SharedOptions.studyPoolOptions + SharedOptions.studyOutputOptions + [ResumedRun.option]
    }

    var help: String {
        """
        USAGE: lab scale --workload NAME [options]

        Runs sequential once and every other mode at each worker count (by default 1, 2,
        4, ... up to four times the cores, and the core count), repetitions interleaved, and
        writes scale.csv (per mode and worker count: throughput in tasks and in the
        workload's own units per second, speedup over sequential with a 95% interval,
        efficiency, the Karp-Flatt serial fraction, and the shares of idle lanes and of
        exchange), scale.txt (the ASCII chart and findings, also printed), scale.svg
        (speedup against workers, error bars, the ideal dashed), and results.csv and run.json
        as 'lab run' writes them, so that 'lab report' and 'lab compare' read the folder.
        Past the core count the curves show oversubscription: more workers than cores help
        only work that waits. Each mode's finding fits Amdahl's law (one serial fraction)
        and the Universal Scalability Law (contention and coherency) to its curve, says
        which explains it better, where the USL's curve peaks and what it gives at twice
        the largest count; scale-stack.svg draws, per mode, where the gap to linear goes
        as the workers grow (each part of the speedup stack an area), and stack.svg each
        count's stack as a bar.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab scale --workload primes
          lab scale --workload sleep --workers 1,2,4,8,16
          lab scale --workload contention --modes threads,processes --quick
          lab scale --resume Results/20261206T041642Z

        """
    }

    func run(_ given: [String]) throws -> Int32 {
        let (resumption, arguments, parsed, type) = try CommandSupport.study(given, parser: parser, registry: registry)
        let json = try JSONSummary.wanted(parsed)
        let name = type.name
        let cores = Platform.activeProcessorCount
        let workers = try SharedOptions.workerCounts(parsed)?.sorted() ?? ScaleReport.defaultWorkerCounts(cores: cores)
        var modes: [ExecutionMode] = try SharedOptions.choices(
            parsed, "--modes", list: true, default: ExecutionMode.allCases)
        if !modes.contains(.sequential) { modes.insert(.sequential, at: 0) }
        let tasks = try SharedOptions.tasks.value(parsed)
        let repetitions = try Self.repetitions.value(parsed) ?? SharedOptions.defaultRepetitions
        let warmup = try SharedOptions.warmup.value(parsed) ?? SharedOptions.defaultWarmup
        let overrides =
            try SharedOptions.parseSettings(parsed.values["--set"] ?? [], registry: registry, workloads: [name])[name]
            ?? [:]
        let parameters = try type.parameters(overriding: overrides, quick: parsed.has("--quick"))
        for mode in modes {
            if let reason = type.refusal(for: mode, parameters: parameters) { throw UsageError.other(reason) }
            for count in workers {
                if let reason = SharedOptions.poolRefusal(mode: mode, workers: count) { throw UsageError.other(reason) }
            }
        }
        let workload = try CommandSupport.configuredWorkload(type, parameters: parameters, tasks: tasks)
        let batch = try SharedOptions.batch(parsed)
        let placement = try SharedOptions.placement(parsed)
        let transport = try SharedOptions.choices(parsed, "--transport", list: false, default: [Transport.default])[0]
        let spin = try SharedOptions.spin(parsed)
        SharedOptions.warnAboutSpinning(placement: placement, transports: [transport], spinPolls: spin)
        let timeout = try SharedOptions.taskTimeout(parsed)
        let plan = ExperimentPlan(
            workloads: [workload], modes: modes, workerCounts: workers, repetitions: repetitions, warmup: warmup,
            transports: [transport],
            datasets: try SharedOptions.datasets(parsed, list: false),
            starts: try SharedOptions.starts(parsed, list: false))
        try CommandSupport.makeRoomForDescriptors(plan)
        let planned = RunDescription.Plan(
            plan, order: RepetitionOrder.interleaved.rawValue, batch: batch, placement: placement, spinPolls: spin)
        let total = plan.cells.count * repetitions
        var missing = total
        if let resumption {
            guard let left = try resumption.left(in: plan, as: planned, order: .interleaved) else {
                return resumption.nothingToResume()
            }
            missing = left
        }
        // Read before a dry run, which checks it too.
        let calibration = try SharedOptions.calibration(parsed)
        if parsed.has("--dry-run") {
            if let resumption { return resumption.dryRun(missing: missing, of: total) }
            return CommandSupport.dryRun(
                "\(name) at \(workers.map(String.init).joined(separator: ", ")) workers, "
                    + "\(counted(plan.cells.count, "cell")), \(counted(plan.totalRepetitions, "repetition")) (warm-ups "
                    + "included)"
            )
        }
        let quiet = parsed.has("--quiet")
        let (worker, session) = try RunOpening.openSession(
            resumption, missing: missing, command: "scale", plan: planned, arguments: arguments,
            out: try SharedOptions.requestedOut(parsed),
            parser: parser, calibration: calibration, quiet: quiet)
        let (path, runID) = (session.folder.path, session.runID)
        if !quiet, let resumption {
            Console.error(
                "lab: resuming scale \(runID): \(counted(missing, "repetition")) of \(total) left to measure "
                    + "(\(resumption.records.count) kept), writing \(path)/\n"
            )
        } else if !quiet {
            Console.error(
                "lab: scale \(runID): \(name) at \(workers.map(String.init).joined(separator: ", ")) workers, "
                    + "\(counted(plan.totalRepetitions, "repetition")) (warm-ups included), writing \(path)/\n"
            )
        }
        let progress = ProgressDisplay(quiet: quiet, total: plan.totalRepetitions)
        let runner = session.experimentRunner(
            workerExecutable: worker, taskTimeoutSeconds: timeout, batch: batch, placement: placement, spinPolls: spin)
        var records: [RepetitionRecord] = []
        let derived = try session.conclude {
            var measured = session.keptRecords
            records = try session.run(plan, with: runner) { event in
                progress.show(event)
                // The curve as measured so far: the study's files at the end, or when the
                // scale is interrupted.
                if case .recorded(let record) = event {
                    measured.append(record)
                    session.setStudyFiles(
                        ScaleReport(
                            records: measured, cores: cores,
                            stackContext: SpeedupStack.Context(costs: session.unitCosts, batch: batch)
                        ).files)
                }
            }
            progress.finish()
        }
        let report = ScaleReport(
            records: records, cores: cores, stackContext: SpeedupStack.Context(costs: session.unitCosts, batch: batch))
        if json {
            Console.output(
                try JSONSummary.document([
                    "command": "scale", "run_id": runID, "folder": path, "workload": name,
                    "points": JSONSummary.rows(fromCSV: report.csv), "findings": JSONSummary.lines(report.findings),
                ]))
        } else {
            Console.output(report.text + "\n" + wroteLine(report.files.map(\.name), derived: derived, in: path))
        }
        CommandSupport.warnAboutDisturbance(records, folder: path)
        // A mode that did other work has no speedup in the curve (CellSummary leaves it out),
        // and the scale fails, as lab run does.
        return CommandSupport.failureStatus(of: records, resultsPath: session.folder.resultsPath)
    }
}
