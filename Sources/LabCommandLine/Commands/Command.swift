import LabCore
import LabStudies
import Workloads

/// One command of `lab`: the word that names it, the lines `lab --help` lists it with, its
/// help, and how it runs. ``LabCommandLine/commands`` is the one list of them; the dispatch,
/// `lab --help`, `lab help NAME` and the list of commands in an error are all made from it.
protocol Command {
    /// The word after `lab`: `run`.
    static var name: String { get }
    /// What `lab --help` says of the command, a line each (at most 68 columns); empty for a
    /// hidden command, which the lab starts itself and `lab --help` does not list.
    static var summary: [String] { get }
    init(registry: WorkloadRegistry)
    /// `lab NAME --help`: usage, what it does, options and examples.
    var help: String { get }
    /// The options it takes, as its help lists them; the pages' options tables are made from
    /// them, and its ``parser``.
    var options: [OptionSpec] { get }
    /// Runs the command with the arguments after its name; returns the exit status.
    func run(_ arguments: [String]) throws -> Int32
}

extension Command {
    static var isHidden: Bool { summary.isEmpty }
    var options: [OptionSpec] { [] }
    /// Reads the command's arguments by its ``options``, and writes their help.
    var parser: CommandLineParser { CommandLineParser(command: Self.name, options: options) }

    /// The command's lines in `lab --help`: the name, then the summary from column 10 (on
    /// a line of its own when the name is longer than 7 characters).
    static var overviewLines: [String] {
        let indent = String(repeating: " ", count: 10)
        var lines = summary.map { indent + $0 }
        if name.count < 8 {
            lines[0] = "  " + name + String(repeating: " ", count: 8 - name.count) + summary[0]
        } else {
            lines.insert("  " + name, at: 0)
        }
        return lines
    }
}

/// Runs a hidden command's service. Its error has nobody to tell but standard error, as
/// `lab NAME PID: error`, and exit status 1: the lab that started it sees the exit.
private func serve(_ name: String, _ body: () throws -> Int32) -> Int32 {
    do {
        return try body()
    } catch {
        Console.error("lab \(name) \(Platform.processID): \(error)\n")
        return 1
    }
}

/// `lab worker`, hidden: the lab starts this same binary as its worker processes.
struct WorkerServiceCommand: Command {
    static let name = "worker"
    static let summary: [String] = []
    let registry: WorkloadRegistry
    var help: String { "" }

    func run(_ arguments: [String]) throws -> Int32 {
        serve(Self.name) {
            try WorkerService(registry: registry).runAsChildProcess()
            return 0
        }
    }
}

/// `lab forkserver`, hidden: `--start forkserver` starts this same binary once to fork its workers.
struct ForkServerCommand: Command {
    static let name = "forkserver"
    static let summary: [String] = []
    let registry: WorkloadRegistry
    var help: String { "" }

    func run(_ arguments: [String]) throws -> Int32 {
        serve(Self.name) { try ForkServerService(registry: registry).run() }
    }
}

/// `lab imageserver LATENCY_S BYTES FAIL_EVERY`, hidden: `download`'s image server, in a
/// process of its own so that a cell's threads, memory and CPU are its client's alone. It
/// prints `port N`, serves until its standard input ends (the lab closes it, or dies), then
/// exits.
struct ImageServerCommand: Command {
    static let name = "imageserver"
    static let summary: [String] = []
    init(registry: WorkloadRegistry) {}
    var help: String { "" }

    func run(_ arguments: [String]) throws -> Int32 {
        serve(Self.name) { try ImageServerProcess.serve(arguments) }
    }
}

/// `lab calibrate-peer MODE`, hidden: the raw-pipe peer of `lab calibrate` and `lab bench`.
/// `lab calibrate-peer floor ...` is `lab bench`'s floor of a workload on bare threads or
/// bare forked children (``FloorPeer``).
struct CalibrationPeerCommand: Command {
    static let name = "calibrate-peer"
    static let summary: [String] = []
    let registry: WorkloadRegistry
    init(registry: WorkloadRegistry) { self.registry = registry }
    var help: String { "" }

    func run(_ arguments: [String]) throws -> Int32 {
        if arguments.first == "floor" { return FloorPeer.serve(Array(arguments.dropFirst()), registry: registry) }
        return CalibrationPeer.serve(mode: arguments.first ?? "")
    }
}
