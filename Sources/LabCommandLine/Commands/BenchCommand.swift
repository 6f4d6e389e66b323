import LabCore
import LabReport
import LabStudies
import Workloads

/// `lab bench`: the lab's own overhead near the machine's limits, against the goals of
/// issue 7, as ratios taken in one run.
struct BenchCommand: Command {
    static let name = "bench"
    static let summary = [
        "Hold the lab's own overhead to its goals (task costs, timelines, scaling,",
        "shm), and check that every workload's time grows with its size.",
    ]
    let registry: WorkloadRegistry

    var options: [OptionSpec] {
        [
            SharedOptions.workloadsOption(
                registry,
                help:
                    "Workloads whose sequential time must grow with their size (at least "
                    + "\(Benchmark.growthGoal.bound.shortText)x at double the size): a check that the "
                    + "optimiser removed no work. Name your own workload here."
            ),
            SharedOptions.outOption(help: "The folder to create for bench.csv; it must not exist yet."),
            OptionSpec(
                "--quick",
                help:
                    "About a tenth of the sizes (10,000 and 100,000 noop tasks, primes at its quick limit), 3 "
                    + "repetitions: checks that the bench works, not the goals (it exits 0 whatever they show)."
            ),
            SharedOptions.transportsOption(
                default: Transport.allCases,
                help:
                    "Transports whose figures are measured: the pipe's always are; socketpair adds its raw round "
                    + "trip and task cost; shm adds those and its goals."
            ),
            SharedOptions.quietOption,
            JSONSummary.formatOption,
            SharedOptions.dryRunOption,
        ]
    }

    var help: String {
        """
        USAGE: lab bench [options]

        Measures the lab's own overhead and holds it to its goals: an empty task through 1
        worker process (100,000 tasks, one by one) within 1.5x of a raw pipe round trip
        between two processes; an empty task on 2 threads (1,000,000 tasks) under 1 us;
        recording the timeline making those tasks take at most 1.05x as long at --batch
        auto (and, as context, what it costs at --batch 1), with the machine's counters on
        (their own cost per repetition and per worker is a row too); a pool of N workers
        ready in no more than N spawns one after another; primes at 2 threads and at 2
        processes at least 1.9x faster than sequential (median of 5), every mode with the
        same checksum. Over shared memory (--transport shm): an empty task one by one at
        most 0.25x a pipe task, at most 0.5 us in batches, and digest and mandelbrot on 2
        processes within 1.1x of 2 threads. Then it runs each workload's sequential cell at
        its size and at double that size, at its defaults and with every other value of
        each of its choice parameters: a time that grows less than \(Benchmark.growthGoal.bound.shortText)x
        means the optimiser removed work (or the size does not matter). Prints a table with
        the goals and writes bench.csv (measurement, value, unit, goal, meets_goal, detail),
        and every repetition to results.csv and run.json as 'lab run' does. Takes about 3
        minutes here (2 cores). Use a release build on an otherwise idle machine: 'swift
        run -c release lab bench'.

        EXIT STATUS:
          0  every goal met (or --quick, which does not judge them)
          1  a goal missed: the last line names it; or a mode did other work
          2  bad input

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab bench
          lab bench --quick
          lab bench --workloads primes,sort --quick
          lab bench --transport pipe,shm --quick

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: "bench") }
        let json = try JSONSummary.wanted(parsed)
        let growing = try SharedOptions.workloads(parsed, registry)
        let quick = parsed.has("--quick")
        let transports = try SharedOptions.choices(parsed, "--transport", list: true, default: Transport.allCases)
        let planned = try growing.map { type in
            let parameters = try type.parameters(overriding: [:], quick: quick)
            return RunDescription.PlannedWorkload(
                name: type.name, kind: type.kind.rawValue, parameters: parameters.canonicalText,
                tasks: type.defaultTaskCount(for: parameters))
        }
        if parsed.has("--dry-run") {
            return CommandSupport.dryRun(
                "the overhead figures, \(Primes.name)'s scaling and the growth of "
                    + growing.map { $0.name }.joined(separator: ", "))
        }
        let (worker, path, runID) = try RunOpening.prepareOutput(
            try SharedOptions.requestedOut(parsed), command: "bench")
        let plan = RunDescription.Plan(
            workloads: planned, modes: ModeComparison.modes.map(\.rawValue), workers: [2], repetitions: quick ? 3 : 5,
            warmup: 1,
            order: RepetitionOrder.interleaved.rawValue, batch: BatchSize.automatic.description,
            transports: transports.map(\.rawValue),
            spin: Transport.defaultSpinPolls)
        let session = try RunOpening.startSession(
            path: path, runID: runID, plan: plan, worker: worker, command: "bench")
        let quiet = parsed.has("--quiet")
        let benchmark = Benchmark(
            worker: worker, peer: RunOpening.peerCommand(worker), noop: Noop.self, cpuBound: Primes.self,
            growing: growing, session: session,
            quick: quick, transports: transports, bulk: [Digest.self, Mandelbrot.self],
            remedied: [Digest.self, Mandelbrot.self, Sort.self, Bandwidth.self])
        var results: [BenchmarkResult] = []
        let derived = try session.conclude {
            results = try benchmark.run { step in
                if !quiet { Console.error("lab: bench: \(step)\n") }
            }
        }
        let report = BenchReport(results: results)
        try Platform.replaceFile(atPath: path + "/" + BenchReport.fileName, with: Array(report.csv.utf8))
        if json {
            Console.output(
                try JSONSummary.document([
                    "command": "bench", "run_id": runID, "folder": path,
                    "measurements": JSONSummary.rows(fromCSV: report.csv),
                    "goals_missed": results.filter { $0.meetsGoal == false }.map(\.measurement),
                ]))
        } else {
            Console.output(report.text + wroteLine([BenchReport.fileName], derived: derived, in: path))
        }
        // A CI job may gate on the lab's own speed; a quick bench checks that it works, not the goals.
        return !quick && results.contains { $0.meetsGoal == false } ? ExitStatus.failure.rawValue : 0
    }
}
