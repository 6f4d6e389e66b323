import Glibc
import LabCore
import Workloads

/// The `lab` command: routes to a subcommand, prints errors as `lab: <message>`, and turns
/// them into exit statuses (2 for usage errors, 1 for failed runs).
@main
struct Lab {
    static let commands = ["run", "list", "help"]

    static func main() {
        // A dead worker must be an error value (EPIPE), not the death of the coordinator.
        Platform.ignoreSignal(SIGPIPE)
        // The download workload talks to 127.0.0.1 only; a user's proxy must not carry that.
        Platform.keepLoopbackOffProxies()
        exit(dispatch(Array(CommandLine.arguments.dropFirst())))
    }

    static func dispatch(_ arguments: [String]) -> Int32 {
        let registry = builtinWorkloads
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
                return WorkerService(registry: registry).runAsChildProcess()
            case "run":
                let run = RunCommand(registry: registry)
                if wantsHelp { Console.output(run.help); return 0 }
                return try run.run(rest)
            case "list":
                let list = ListCommand(registry: registry)
                if wantsHelp { Console.output(list.help); return 0 }
                return try list.run(rest)
            case "help", "--help", "-h":
                return help(for: rest.first, registry: registry)
            case "--version":
                Console.output("lab \(version)\n")
                return 0
            default:
                throw UsageError.unknownCommand(command, known: commands)
            }
        } catch {
            Console.error("lab: \(error)\n")
            return error is SystemError ? 1 : 2
        }
    }

    static func help(for command: String?, registry: WorkloadRegistry) -> Int32 {
        switch command {
        case nil: Console.output(overview)
        case "run": Console.output(RunCommand(registry: registry).help)
        case "list": Console.output(ListCommand(registry: registry).help)
        case let other?:
            Console.error("lab: \(UsageError.unknownCommand(other, known: commands))\n")
            return 2
        }
        return 0
    }

    static let version = "0.1.0"

    static let overview = """
        lab: measures, on this machine, when threads win and when processes win.

        USAGE: lab <command> [options]

        COMMANDS:
          run     Run the experiment matrix (workloads x modes x worker counts, repeated)
                  and write results.csv and chart.txt into Results/<run-id>/.
          list    List the workloads, their kind and parameters.
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
