import Glibc
import LabCore
import LabReport
import LabStudies
import Workloads

/// The `lab` command line as a library: the `lab` executable is one line that calls
/// ``main(adding:)``, and so is a package of your own that adds its workloads to every command
/// (`run`, `scale`, `crossover`, `explain`, `report`, `compare`, ...), with its own binary as
/// the worker processes.
///
/// It routes to a subcommand, prints errors as `lab: <message>`, and turns them into exit
/// statuses: each error carries its own (2 for bad input and nothing else, 1 for everything
/// that failed while running, 3 for a comparison that only disturbed cells would fail).
public enum LabCommandLine {
    static let commands = ["run", "list", "check", "report", "explain", "compare", "calibrate", "bench", "crossover", "scale", "help"]

    /// Runs the command line of this process's arguments with the built-in workloads and
    /// `workloads` added after them, and exits with its status. This same binary is started
    /// as the worker processes (`worker`, a hidden command), so it must call this first thing
    /// in `main.swift`, before it does anything else.
    /// - Parameter workloads: your own workload types; their names must differ from the
    ///   built-in ones (`lab list` shows them), or the registry stops the process.
    public static func main(adding workloads: [any Workload.Type] = []) -> Never {
        // A dead worker must be an error value (EPIPE), not the death of the coordinator.
        Platform.ignoreSignal(SIGPIPE)
        exit(dispatch(Array(CommandLine.arguments.dropFirst()), registry: WorkloadRegistry(builtinWorkloads.types + workloads)))
    }

    static func dispatch(_ arguments: [String], registry: WorkloadRegistry) -> Int32 {
        guard let command = arguments.first else {
            Console.error(overview)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        let wantsHelp = rest.contains("--help") || rest.contains("-h")
        do {
            switch command {
            case "worker":
                // Hidden: the coordinator starts the same binary as its worker processes.
                do {
                    try WorkerService(registry: registry).runAsChildProcess()
                    return 0
                } catch {
                    // Nobody to tell but standard error: the coordinator sees this worker's exit.
                    Console.error("lab worker \(Platform.processID): \(error)\n")
                    return 1
                }
            case "forkserver":
                // Hidden: `--start forkserver` starts the same binary once to fork its workers.
                do {
                    return try ForkServerService(registry: registry).run()
                } catch {
                    Console.error("lab forkserver \(Platform.processID): \(error)\n")
                    return 1
                }
            case "run":
                let run = RunCommand(registry: registry)
                if wantsHelp { Console.output(run.help); return 0 }
                return try run.run(rest)
            case "list":
                let list = ListCommand(registry: registry)
                if wantsHelp { Console.output(list.help); return 0 }
                return try list.run(rest)
            case "check":
                let check = CheckCommand()
                if wantsHelp { Console.output(check.help); return 0 }
                return try check.run(rest)
            case "calibrate-peer":
                // Hidden: the raw-pipe peer of 'lab calibrate'.
                return CalibrationPeer.serve(mode: rest.first ?? "")
            case "calibrate":
                let calibrate = CalibrateCommand()
                if wantsHelp { Console.output(calibrate.help); return 0 }
                return try calibrate.run(rest)
            case "bench":
                let bench = BenchCommand(registry: registry)
                if wantsHelp { Console.output(bench.help); return 0 }
                return try bench.run(rest)
            case "scale":
                let scale = ScaleCommand(registry: registry)
                if wantsHelp { Console.output(scale.help); return 0 }
                return try scale.run(rest)
            case "crossover":
                let crossover = CrossoverCommand(registry: registry)
                if wantsHelp { Console.output(crossover.help); return 0 }
                return try crossover.run(rest)
            case "report":
                let report = ReportCommand()
                if wantsHelp { Console.output(report.help); return 0 }
                return try report.run(rest)
            case "explain":
                let explain = ExplainCommand()
                if wantsHelp { Console.output(explain.help); return 0 }
                return try explain.run(rest)
            case "compare":
                let compare = CompareCommand()
                if wantsHelp { Console.output(compare.help); return 0 }
                return try compare.run(rest)
            case "help", "--help", "-h":
                return help(for: rest.first, registry: registry)
            case "--version":
                Console.output("lab \(BuildInfo.labVersion)\n")
                return 0
            default:
                throw UsageError.unknownCommand(command, known: commands)
            }
        } catch {
            Console.error("lab: \(error)\n")
            // Only an error that says it is bad input ends the lab with 2.
            return (error as? any ExitStatusCarrying)?.exitStatus.rawValue ?? ExitStatus.failure.rawValue
        }
    }

    static func help(for command: String?, registry: WorkloadRegistry) -> Int32 {
        switch command {
        case nil, "--help", "-h", "help": Console.output(overview)
        case "run": Console.output(RunCommand(registry: registry).help)
        case "list": Console.output(ListCommand(registry: registry).help)
        case "check": Console.output(CheckCommand().help)
        case "report": Console.output(ReportCommand().help)
        case "explain": Console.output(ExplainCommand().help)
        case "compare": Console.output(CompareCommand().help)
        case "calibrate": Console.output(CalibrateCommand().help)
        case "bench": Console.output(BenchCommand(registry: registry).help)
        case "crossover": Console.output(CrossoverCommand(registry: registry).help)
        case "scale": Console.output(ScaleCommand(registry: registry).help)
        case let other?:
            Console.error("lab: \(UsageError.unknownCommand(other, known: commands))\n")
            return 2
        }
        return 0
    }

    static let overview = """
        lab: measures, on this machine, when threads win and when processes win.

        USAGE: lab <command> [options]

        COMMANDS:
          run     Run the experiment matrix (workloads x modes x worker counts, repeated)
                  and write results, summary, charts and a report into Results/<run-id>/.
          list    List the workloads, their kind and parameters.
          check   Look at the machine before measuring: load, steal, counters, governor,
                  swap, build; each warning says what to do.
          report  Rebuild a run's summary, charts, timelines and report.md from its files.
          explain Say, with the run's numbers, which mode won each workload and why.
          compare Compare two runs cell by cell, with significance.
          calibrate
                  Measure this machine's costs: threads, spawns, round trips over
                  each transport.
          bench   Hold the lab's own overhead to its goals (task costs, timelines, scaling,
                  shm), and check that every workload's time grows with its size.
          crossover
                  Find the task size where pools beat sequential and processes catch
                  up with threads, for one size parameter of a workload.
          scale   How each mode's speedup grows with the number of workers.
          help    Show help for a command: 'lab help run'.

        OPTIONS:
          -h, --help   Show help ('lab <command> --help' for a command's options).
          --version    Show the lab's version.

        EXAMPLES:
          lab run                  the default experiment
          lab run --quick          every workload at its small quick size
          lab list primes          what primes does and its parameters

        """
}
