import LabCore
import LabReport
import LabStudies

/// `lab crossover`: where, as a workload's tasks grow, the pools start to beat sequential
/// code and processes catch up with threads.
struct CrossoverCommand: Command {
    static let name = "crossover"
    static let summary = [
        "Find the task size where pools beat sequential and processes catch",
        "up with threads, for one size parameter of a workload.",
    ]
    static let modesHelp =
        "Modes to compare; sequential, the baseline of every speedup, always runs. Each pool named (threads, "
        + "processes, async) gets a finding of where it starts to beat sequential; with threads and processes "
        + "both, where processes catch up with threads."
    static let repetitions = SharedOptions.repetitions(upTo: 100)
    static let defaultBisections = 3
    static let bisections = CountOption(name: "--bisections", range: 0...10)
    static let defaultTolerancePercent = 10.0

    let registry: WorkloadRegistry

    var options: [OptionSpec] {
        [
            SharedOptions.workloadOption(registry, help: "The workload to scan (required)."),
            OptionSpec(
                "--param", value: "PARAM", expected: "an integer parameter of the workload",
                help: "The integer size parameter to scan (required), such as primes' limit or digest's bytes."),
            OptionSpec(
                "--from", value: "N", expected: "an integer in the parameter's range",
                default: "the quick value / 256",
                help: "The smallest size; the scan doubles it until --to."),
            OptionSpec(
                "--to", value: "N", expected: "an integer in the parameter's range",
                default: "the parameter's default",
                help: "The largest size, always measured."),
            SharedOptions.modesOption(default: ModeComparison.modes, help: Self.modesHelp),
            SharedOptions.workers.spec(
                default: "\(Platform.activeProcessorCount), the number of cores",
                portableDefault: "the number of cores",
                help: "Threads, worker processes or async tasks in flight in the pools."),
            SharedOptions.tasks.spec(default: "the workload's own", help: "Tasks per repetition."),
            Self.repetitions.spec(
                default: "\(SharedOptions.defaultRepetitions)",
                help: "Measured repetitions per mode and size (after one warm-up); medians are compared."),
            Self.bisections.spec(
                default: "\(Self.defaultBisections)",
                help:
                    "Extra sizes measured inside each bracket where a crossing happens, halving it each time (on a "
                    + "log scale)."
            ),
            OptionSpec(
                "--tolerance", value: "PERCENT", expected: "a number from 0 to 100",
                default: "\(Int(Self.defaultTolerancePercent))",
                help: "How much slower than threads processes may be and still count as caught up."),
            SharedOptions.setOption(
                expected: "WORKLOAD.PARAM=VALUE for the scanned workload",
                help: "Sets one of the workload's other parameters; may repeat."),
            SharedOptions.datasetsOption(list: false),
            SharedOptions.startsOption(list: false),
        ] + SharedOptions.studyPoolOptions + SharedOptions.studyOutputOptions + [ResumedRun.option]
    }

    var help: String {
        """
        USAGE: lab crossover --workload NAME --param PARAM [options]

        Runs sequential and the pools (threads and processes, or those --modes names,
        async among them) at growing sizes of one integer parameter (doubling from --from
        to --to), then bisects each bracket where something changes, and reports the sizes
        where each pool starts to beat sequential (processes with their start-up), and
        where processes come within --tolerance of threads.
        Writes crossover.csv (the curve), crossover.txt (the ASCII chart and findings,
        also printed), crossover.svg, and results.csv and run.json (every repetition, as
        'lab run' writes them, so that 'lab report' and 'lab compare' read the folder).

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab crossover --workload primes --param limit
          lab crossover --workload primes --param limit --modes threads,processes,async --to 2000000
          lab crossover --workload digest --param bytes --from 1024 --to 4194304
          lab crossover --workload digest --param bytes --from 1024 --to 4194304 --transport shm
          lab crossover --workload sort --param count --workers 2 --repetitions 5
          lab crossover --resume Results/20261206T041642Z

        """
    }

    func run(_ given: [String]) throws -> Int32 {
        let (resumption, arguments, parsed, type) = try CommandSupport.study(given, parser: parser, registry: registry)
        let json = try JSONSummary.wanted(parsed)
        let name = type.name
        let integerParameters = type.parameters.filter { $0.integerRange != nil }
        guard let parameterName = parsed.value("--param") else {
            throw UsageError.other(
                "lab crossover needs --param; integer parameters of \(name): \(listed(integerParameters.map(\.name)))")
        }
        guard let parameter = type.parameters.first(where: { $0.name == parameterName }) else {
            throw UsageError.other(
                "unknown parameter '\(parameterName)' for workload '\(name)'; its parameters: "
                    + "\(type.parameters.map(\.name).joined(separator: ", "))"
            )
        }
        guard let range = parameter.integerRange else {
            let others = registry.types.filter { other in other.parameters.contains { $0.integerRange != nil } }.map {
                other in other.name
            }
            throw UsageError.other(
                "parameter '\(parameterName)' of \(name) is not an integer size; integer parameters of \(name): "
                    + "\(listed(integerParameters.map(\.name)))"
                    + (integerParameters.isEmpty ? " (workloads that have one: \(others.joined(separator: ", ")))" : "")
            )
        }
        let expectation = "an integer from \(range.lowerBound) to \(range.upperBound) (\(name).\(parameterName))"
        let defaultTo = Int(parameter.defaultValue) ?? range.upperBound
        let defaultFrom = min(max((Int(parameter.quickValue) ?? range.lowerBound) / 256, range.lowerBound), defaultTo)
        let from =
            try parsed.value("--from").map {
                try parseInteger($0, option: "--from", range: range, expected: expectation)
            } ?? defaultFrom
        let to =
            try parsed.value("--to").map { try parseInteger($0, option: "--to", range: range, expected: expectation) }
            ?? defaultTo
        guard from < to else {
            throw UsageError.other("--from \(from) must be smaller than --to \(to)")
        }
        let pooled = try SharedOptions.choices(parsed, "--modes", list: true, default: ModeComparison.modes).filter {
            $0 != .sequential
        }
        guard !pooled.isEmpty else {
            throw UsageError.invalidValue(
                option: "--modes", value: parsed.value("--modes") ?? "",
                expected: "a pool to compare with sequential: threads, processes or async")
        }
        let modes = [ExecutionMode.sequential] + pooled
        let workers = try SharedOptions.workers.value(parsed) ?? Platform.activeProcessorCount
        for mode in pooled {
            if let reason = SharedOptions.poolRefusal(mode: mode, workers: workers) { throw UsageError.other(reason) }
        }
        let tasks = try SharedOptions.tasks.value(parsed)
        let repetitions = try Self.repetitions.value(parsed) ?? SharedOptions.defaultRepetitions
        let bisections = try Self.bisections.value(parsed) ?? Self.defaultBisections
        let tolerance =
            try parsed.value("--tolerance").map {
                try parseNumber($0, option: "--tolerance", range: 0...100, expected: "a number from 0 to 100")
            } ?? Self.defaultTolerancePercent
        let batch = try SharedOptions.batch(parsed)
        let placement = try SharedOptions.placement(parsed)
        let transport = try SharedOptions.choices(parsed, "--transport", list: false, default: [Transport.default])[0]
        let dataset = try SharedOptions.datasets(parsed, list: false)[0]
        let start = try SharedOptions.starts(parsed, list: false)[0]
        let spin = try SharedOptions.spin(parsed)
        SharedOptions.warnAboutSpinning(placement: placement, transports: [transport], spinPolls: spin)
        let timeout = try SharedOptions.taskTimeout(parsed)
        let overrides =
            try SharedOptions.parseSettings(parsed.values["--set"] ?? [], registry: registry, workloads: [name])[name]
            ?? [:]
        if overrides[parameterName] != nil {
            throw UsageError.other("--set \(name).\(parameterName) sets the scanned parameter; use --from and --to")
        }
        let scan = CrossoverScan(
            sizes: from...to, bisections: bisections, tolerance: tolerance / 100,
            crossings: CrossoverFinding.Crossing.all(for: pooled))
        // Every size must be valid before anything is created: check both ends now.
        for size in [from, to] {
            var values = overrides
            values[parameterName] = String(size)
            let parameters = try type.parameters(overriding: values)
            for mode in modes {
                if let reason = type.refusal(for: mode, parameters: parameters) { throw UsageError.other(reason) }
            }
            _ = try CommandSupport.configuredWorkload(type, parameters: parameters, tasks: tasks)
        }
        if let resumption {
            try resumption.check(try resumption.optionDifferences(parser: parser))
            if !resumption.description.partial { return resumption.nothingToResume() }
        }
        // Read before a dry run, which checks it too.
        let calibration = try SharedOptions.calibration(parsed)
        if parsed.has("--dry-run") {
            if let resumption { return resumption.dryRun(missing: nil, of: nil) }
            return CommandSupport.dryRun(
                "\(name) \(parameterName) at \(scan.doublingSizes.count) doubling sizes from \(from) to \(to), up to "
                    + "\(bisections) bisections per crossing"
            )
        }
        // run.json too, so that 'lab report' and 'lab compare' read the folder like a run's:
        // first with the doubling sizes and marked partial, at the end with every size.
        func plan(_ sizes: [Int]) throws -> RunDescription.Plan {
            let workloads = try sizes.map { size in
                var values = overrides
                values[parameterName] = String(size)
                let parameters = try type.parameters(overriding: values)
                return RunDescription.PlannedWorkload(
                    name: name, kind: type.kind.rawValue, parameters: parameters.canonicalText,
                    tasks: tasks ?? type.defaultTaskCount(for: parameters))
            }
            return RunDescription.Plan(
                workloads: workloads, modes: modes.map(\.rawValue), workers: [workers], repetitions: repetitions,
                warmup: 1,
                order: RepetitionOrder.interleaved.rawValue, batch: batch.description, pin: placement.rawValue,
                transports: [transport.rawValue],
                spin: spin, datasets: [dataset.rawValue], starts: [start.rawValue])
        }
        let quiet = parsed.has("--quiet")
        let (worker, session) = try RunOpening.openSession(
            resumption, missing: nil, command: "crossover", plan: try plan(scan.doublingSizes), arguments: arguments,
            out: try SharedOptions.requestedOut(parsed), parser: parser, calibration: calibration, quiet: quiet)
        let (path, runID) = (session.folder.path, session.runID)
        let measurement = CrossoverMeasurement(
            workload: type, parameter: parameter, overrides: overrides, workers: workers, modes: pooled, tasks: tasks,
            repetitions: repetitions,
            transport: transport, dataset: dataset, start: start,
            runner: session.experimentRunner(
                workerExecutable: worker, taskTimeoutSeconds: timeout, batch: batch, placement: placement,
                spinPolls: spin),
            session: session)
        if !quiet, let resumption {
            Console.error(
                "lab: resuming crossover \(runID): \(resumption.records.count) repetitions kept, writing \(path)/\n")
        } else if !quiet {
            Console.error(
                "lab: crossover \(runID): \(name) \(parameterName) from \(from) to \(to), \(workers) workers, writing "
                    + "\(path)/\n"
            )
        }
        func report(_ points: [CrossoverPoint], _ findings: [CrossoverFinding]) -> CrossoverReport {
            CrossoverReport(
                workload: name, parameter: parameter, workers: workers, tolerance: tolerance / 100, points: points,
                findings: findings)
        }
        let clock = Stopwatch()
        var measured: [CrossoverPoint] = []
        var result: (points: [CrossoverPoint], findings: [CrossoverFinding]) = ([], [])
        let derived = try session.conclude {
            result = try scan.run { size, phase in
                if !quiet {
                    Console.error(
                        "lab: crossover: \(parameterName)=\(size) (\(phase)), "
                            + "\(clock.elapsedSeconds.rounded().shortText) s so far\n"
                    )
                }
                let point = try measurement.point(at: size, phase: phase)
                measured.append(point)
                // The curve so far, so that an interrupted scan keeps it (without findings).
                session.updatePlan(try plan(measured.map(\.size).sorted()))
                session.setStudyFiles(report(measured.sorted { $0.size < $1.size }, []).files)
                return point
            }
            session.setStudyFiles(report(result.points, result.findings).files)
        }
        let final = report(result.points, result.findings)
        if json {
            Console.output(
                try JSONSummary.document([
                    "command": "crossover", "run_id": runID, "folder": path, "workload": name,
                    "parameter": parameterName,
                    "points": JSONSummary.rows(fromCSV: final.csv), "findings": JSONSummary.lines(final.findingsText),
                ]))
        } else {
            Console.output(
                final.text + "\n"
                    + wroteLine(["crossover.csv", "crossover.txt", "crossover.svg"], derived: derived, in: path))
        }
        // A checksum mismatch has already stopped the scan (CrossoverMeasurement throws it).
        CommandSupport.warnAboutDisturbance(result.points.flatMap(\.records), folder: path)
        return CommandSupport.failureStatus(
            of: result.points.flatMap(\.records), resultsPath: session.folder.resultsPath)
    }

    private func listed(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}
