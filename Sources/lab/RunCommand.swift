import Glibc
import LabCore
import LabReport
import Workloads

/// `lab run`: validates the whole plan, creates the run folder, runs every cell, appends each
/// measured repetition to `results.csv`, then writes and prints the chart.
struct RunCommand {
    static let defaultRepetitions = 5
    static let defaultWarmup = 1
    static let workerRange = 1...1024
    static let tasksRange = 1...10_000_000

    let registry: WorkloadRegistry

    var parser: ArgumentParser {
        ArgumentParser(command: "run", options: [
            OptionSpec("--workloads", value: "LIST", expected: "a comma-separated list of: \(registry.names.joined(separator: ", "))",
                       default: "all: \(registry.names.joined(separator: ","))", help: "Workloads to run, comma-separated."),
            OptionSpec("--modes", value: "LIST", expected: "a comma-separated list of: \(ExecutionMode.allCases.map(\.rawValue).joined(separator: ", "))",
                       default: ExecutionMode.allCases.map(\.rawValue).joined(separator: ","),
                       help: "Modes to run, comma-separated: sequential (one after another), threads (a pool of threads), processes (a pool of 'lab worker' child processes fed through pipes), async (a task group)."),
            OptionSpec("--workers", value: "LIST", expected: "a comma-separated list of integers from \(Self.workerRange.lowerBound) to \(Self.workerRange.upperBound)",
                       default: "\(Platform.activeProcessorCount), the number of cores",
                       help: "Pool sizes, comma-separated; '1,2,4' scans. Threads in the pool, worker processes in the pool, or async tasks in flight. Sequential runs once per workload whatever this says."),
            OptionSpec("--tasks", value: "N", expected: "an integer from \(Self.tasksRange.lowerBound) to \(Self.tasksRange.upperBound)",
                       default: "each workload's own", help: "Tasks per repetition, for every workload."),
            OptionSpec("--repetitions", value: "N", expected: "an integer from 1 to 1000", default: "\(Self.defaultRepetitions)",
                       help: "Measured repetitions per cell."),
            OptionSpec("--warmup", value: "N", expected: "an integer from 0 to 100", default: "\(Self.defaultWarmup)",
                       help: "Unrecorded repetitions per cell, run first."),
            OptionSpec("--set", value: "WORKLOAD.PARAM=VALUE", expected: "WORKLOAD.PARAM=VALUE, such as primes.limit=2000000", repeatable: true,
                       help: "Sets a workload parameter; may repeat. 'lab list' shows the parameters."),
            OptionSpec("--quick", help: "Use every workload's small quick values instead of its defaults (parameters given with --set still win)."),
            OptionSpec("--out", value: "DIR", expected: "a folder path that does not exist yet", default: "Results/<run-id>",
                       help: "The run folder to create; it must not exist yet."),
            OptionSpec("--quiet", help: "No progress lines on standard error."),
        ])
    }

    var help: String {
        """
        USAGE: lab run [options]

        Runs every workload x mode x worker count, repeats each cell, and writes
        results.csv (one row per repetition, written as each finishes) and chart.txt
        (also printed) into the run folder.

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

        """
    }

    /// The plan and settings after validation; nothing has been created yet.
    struct Settings {
        var plan: ExperimentPlan
        var out: String?
        var quiet: Bool
    }

    func validate(_ arguments: [String]) throws -> Settings {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: "run") }

        let workloadNames = try parsed.value("--workloads").map {
            try parseList($0, option: "--workloads", expected: "a comma-separated list of: \(registry.names.joined(separator: ", "))")
        } ?? registry.names
        let types = try workloadNames.map { try registry.type(named: $0) }

        let modeExpectation = ExecutionMode.allCases.map(\.rawValue).joined(separator: ", ")
        let modes = try (parsed.value("--modes").map { try parseList($0, option: "--modes", expected: "a comma-separated list of: \(modeExpectation)") }
            ?? ExecutionMode.allCases.map(\.rawValue)).map { (name: String) throws(UsageError) -> ExecutionMode in
                guard let mode = ExecutionMode(rawValue: name) else {
                    throw .invalidValue(option: "--modes", value: name, expected: "one of: \(modeExpectation)")
                }
                return mode
            }

        let workers = try parsed.value("--workers").map { text in
            try parseList(text, option: "--workers", expected: "a comma-separated list of integers").map { (item: String) throws(UsageError) in
                try parseInteger(item, option: "--workers", range: Self.workerRange)
            }
        } ?? [Platform.activeProcessorCount]
        let tasks = try parsed.value("--tasks").map { try parseInteger($0, option: "--tasks", range: Self.tasksRange) }
        let repetitions = try parsed.value("--repetitions").map { try parseInteger($0, option: "--repetitions", range: 1...1000) }
            ?? Self.defaultRepetitions
        let warmup = try parsed.value("--warmup").map { try parseInteger($0, option: "--warmup", range: 0...100) } ?? Self.defaultWarmup

        let overrides = try parseOverrides(parsed.values["--set"] ?? [], runWorkloads: workloadNames)
        let quick = parsed.has("--quick")
        let workloads = try types.map { type in
            let parameters = try type.parameters(overriding: overrides[type.name] ?? [:], quick: quick)
            do {
                return try ConfiguredWorkload(type: type, parameters: parameters, taskCount: tasks)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw UsageError.other("workload '\(type.name)' refuses its parameters: \(error)")
            }
        }
        if let out = parsed.value("--out"), out.isEmpty {
            throw UsageError.invalidValue(option: "--out", value: out, expected: "a folder path that does not exist yet")
        }
        return Settings(
            plan: ExperimentPlan(workloads: workloads, modes: modes, workerCounts: workers, repetitions: repetitions, warmup: warmup),
            out: parsed.value("--out"), quiet: parsed.has("--quiet"))
    }

    /// `--set primes.limit=2000000` into `["primes": ["limit": "2000000"]]`.
    private func parseOverrides(_ settings: [String], runWorkloads: [String]) throws(UsageError) -> [String: [String: String]] {
        var overrides: [String: [String: String]] = [:]
        for setting in settings {
            let expected = "WORKLOAD.PARAM=VALUE, such as primes.limit=2000000"
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
            guard runWorkloads.contains(workload) else {
                throw .other("--set \(setting) names workload '\(workload)', which this run does not include; workloads in this run: \(runWorkloads.joined(separator: ", "))")
            }
            guard overrides[workload]?[parameter] == nil else {
                throw .other("--set gives \(workload).\(parameter) more than once; set each parameter once")
            }
            overrides[workload, default: [:]][parameter] = value
        }
        return overrides
    }

    /// Runs the command; returns the exit status.
    func run(_ arguments: [String]) throws -> Int32 {
        let settings = try validate(arguments)
        let executablePath: String
        do {
            executablePath = try Platform.executablePath()
        } catch {
            throw UsageError.other("cannot find the lab's own executable for worker processes: \(error)")
        }

        let folder: String
        let runID: String
        if let out = settings.out {
            try OutputFolder.create(out)
            folder = out
            runID = OutputFolder.timestampRunID()
        } else {
            (folder, runID) = try OutputFolder.createDefault()
        }
        let resultsPath = folder + "/results.csv"
        let writer = try ResultsFileWriter(path: resultsPath)
        let signals = SignalHandling.install(resultsPath: resultsPath)
        defer { withExtendedLifetime(signals) {} }

        #if DEBUG
        // Always said, even with --quiet: debug timings mislead about both modes.
        Console.error("lab: warning: this is a debug build; its timings are not representative. Use 'swift run -c release lab run'.\n")
        #endif
        let progress = ProgressDisplay(quiet: settings.quiet)
        if !settings.quiet {
            Console.error("lab: run \(runID): \(counted(settings.plan.cells.count, "cell")), \(counted(settings.plan.totalRepetitions, "repetition")) (warm-ups included), writing \(folder)/\n")
        }
        var writeError: (any Error)?
        let coordinator = Coordinator(runID: runID, workerExecutablePath: executablePath)
        let records = coordinator.run(settings.plan) { event in
            progress.show(event)
            if case .recorded(let record) = event, writeError == nil {
                do { try writer.append(record) } catch { writeError = error }
            }
        }
        progress.finish()
        // Servers and other fixtures stop with the run.
        settings.plan.workloads.forEach { $0.stopFixture() }
        if let writeError { throw UsageError.other("cannot write \(resultsPath): \(writeError)") }

        let summaries = CellSummary.summarize(records)
        try writeFile(folder + "/summary.csv", SummaryColumn.csv(summaries))
        let chart = AsciiChart().render(records)
        try writeFile(folder + "/chart.txt", chart)
        Console.output(chart)
        Console.output("\nwrote results.csv, summary.csv and chart.txt in \(folder)/\n")
        for warning in summaries.compactMap(\.warning) {
            Console.error("lab: warning: \(warning)\n")
        }

        var status: Int32 = 0
        let failed = records.filter { $0.status == .failed }.count
        if failed > 0 {
            Console.error("lab: \(failed) of \(counted(records.count, "repetition")) failed; see the error column of \(resultsPath)\n")
            status = 1
        }
        for mismatch in ChecksumCheck.mismatches(in: records) {
            Console.error("lab: \(mismatch)\n")
            status = 1
        }
        return status
    }
}

/// Writes a new file whole (it must not exist yet).
func writeFile(_ path: String, _ text: String) throws {
    let descriptor = try Platform.createFile(atPath: path)
    defer { Platform.close(descriptor) }
    try Platform.writeAll(descriptor, Array(text.utf8))
}

/// The lab's proof that every mode did the same work: within one workload and parameter set,
/// every successful repetition must have the same checksum.
enum ChecksumCheck {
    static func mismatches(in records: [RepetitionRecord]) -> [String] {
        var seen: [String: (checksum: String, label: String)] = [:]
        var problems: [String] = []
        for record in records where record.status == .ok {
            let key = "\(record.workload) \(record.parameters) tasks=\(record.tasks)"
            let label = "\(record.mode.rawValue) x\(record.workers) repetition \(record.repetition)"
            if let first = seen[key] {
                if first.checksum != record.checksum {
                    problems.append("checksum mismatch for \(key): \(first.label) gave \(first.checksum), \(label) gave \(record.checksum)")
                }
            } else {
                seen[key] = (record.checksum, label)
            }
        }
        return problems
    }
}
