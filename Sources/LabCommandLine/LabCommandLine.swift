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
    /// Runs the command line of this process's arguments with the built-in workloads and
    /// `workloads` added after them, and exits with its status. This same binary is started
    /// as the worker processes (`worker`, a hidden command), so it must call this first thing
    /// in `main.swift`, before it does anything else.
    /// - Parameter workloads: your own workload types; their names must differ from the
    ///   built-in ones (`lab list` shows them), or the registry stops the process, and keep
    ///   the rule for names (lowercase letters, digits and dashes), or every command says
    ///   which name breaks it and exits with 2.
    public static func main(adding workloads: [any Workload.Type] = []) -> Never {
        // A dead worker must be an error value (EPIPE), not the death of the coordinator.
        Platform.ignoreSignal(SIGPIPE)
        if let violation = WorkloadName.violations(workloads).first {
            Console.error("lab: \(violation)\n")
            Platform.exit(2)
        }
        // This binary serves the hidden commands, the image server's among them.
        HelperProcesses.executablePath = try? Platform.executablePath()
        Platform.exit(
            dispatch(
                Array(CommandLine.arguments.dropFirst()), registry: WorkloadRegistry(builtinWorkloads.types + workloads)
            ))
    }

    static func dispatch(_ arguments: [String], registry: WorkloadRegistry) -> Int32 {
        guard let name = arguments.first else {
            Console.error(overview)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch name {
            case "--help", "-h":
                return try HelpCommand(registry: registry).run(rest)
            case "--version":
                Console.output("lab \(BuildInfo.labVersion)\n")
                return 0
            default:
                guard let type = commands.first(where: { $0.name == name }) else {
                    throw UsageError.unknownCommand(name, known: listedNames)
                }
                let command = type.init(registry: registry)
                if !type.isHidden, rest.contains("--help") || rest.contains("-h") {
                    Console.output(command.help)
                    return 0
                }
                return try command.run(rest)
            }
        } catch {
            Console.error("lab: \(error)\n")
            // Only an error that says it is bad input ends the lab with 2.
            return (error as? any ExitStatusCarrying)?.exitStatus.rawValue ?? ExitStatus.failure.rawValue
        }
    }

    static var overview: String {
        """
        lab: measures, on this machine, when threads win and when processes win.

        USAGE: lab <command> [options]

        COMMANDS:
        \(commands.filter { !$0.isHidden }.flatMap { $0.overviewLines }.joined(separator: "\n"))

        OPTIONS:
          -h, --help   Show help ('lab <command> --help' for a command's options).
          --version    Show the lab's version.

        EXAMPLES:
          lab run                  the default experiment
          lab run --quick          every workload at its small quick size
          lab list primes          what primes does and its parameters

        """
    }
}
