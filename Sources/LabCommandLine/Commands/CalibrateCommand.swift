import LabCore
import LabReport
import LabStudies
import Workloads

/// `lab calibrate`: the costs that decide the trade-off on this machine, in one run.
struct CalibrateCommand: Command {
    static let name = "calibrate"
    static let summary = [
        "Measure this machine's costs: threads, spawns, round trips over",
        "each transport.",
    ]

    init(registry: WorkloadRegistry) {}
    let options: [OptionSpec] = [
        SharedOptions.outOption(help: "The folder to create for calibration.csv; it must not exist yet."),
        SharedOptions.transportsOption(
            default: Transport.allCases,
            help: "Transports whose raw round trip (with the CPU it used) and per-task cost are measured."),
        SharedOptions.spinOption,
        OptionSpec(
            "--quick",
            help: "About a tenth of the samples (a few seconds): checks that calibrate works, the figures "
                + "rougher."),
        JSONSummary.formatOption,
        SharedOptions.quietOption,
        SharedOptions.dryRunOption,
    ]

    var help: String {
        """
        USAGE: lab calibrate [options]

        Measures, on this machine: thread create and join, and a pool of two threads;
        spawning a 'lab worker' until it is ready (and the spawn alone, with 10, 1,000 and
        10,000 descriptors open), a worker's teardown, its faults and memory; a raw round
        trip between two processes over each transport (unpinned, on one core, and across
        cores), with the CPU both used for it; a minor page fault, private and shared, and
        giving touched memory back per MiB; each transport's bandwidth; and the lab's own
        cost per empty task in each mode, alone and 64 to a claim, processes over each
        transport. These are the unit costs that 'lab run --calibration FILE' prices a
        speedup stack's counters with, and that 'lab predict' adds up.
        Prints a table and writes calibration.csv (measurement, value, unit, samples,
        detail). Use a release build: 'swift run -c release lab calibrate'.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab calibrate
          lab calibrate --quick
          lab calibrate --out /tmp/calibration
          lab calibrate --transport shm --spin 0
          lab run --calibration Results/reference/calibration.csv --workloads digest

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: "calibrate") }
        let json = try JSONSummary.wanted(parsed)
        let transports = try SharedOptions.choices(parsed, "--transport", list: true, default: Transport.allCases)
        let spin = try SharedOptions.spin(parsed)
        if parsed.has("--dry-run") {
            return CommandSupport.dryRun(
                "thread, spawn, \(transports.map(\.rawValue).joined(separator: ", ")) and per-task costs")
        }
        // Its peers and timed spawns start with Foundation's Process, which needs this.
        try CommandSupport.coverInheritedDescriptors()
        let (worker, path, _) = try RunOpening.prepareOutput(
            try SharedOptions.requestedOut(parsed), command: "calibrate")
        let quiet = parsed.has("--quiet")
        let results = try Calibrator(
            worker: worker, peer: RunOpening.peerCommand(worker), noop: Noop.self, transports: transports,
            spinPolls: spin,
            quick: parsed.has("--quick")
        ).run { step in
            if !quiet { Console.error("lab: calibrating: \(step)\n") }
        }
        let report = CalibrationReport(results: results)
        try Platform.replaceFile(atPath: path + "/" + CalibrationReport.fileName, with: Array(report.csv.utf8))
        if json {
            Console.output(
                try JSONSummary.document([
                    "command": "calibrate", "folder": path, "measurements": JSONSummary.rows(fromCSV: report.csv),
                ]))
        } else {
            Console.output(report.text + "\nwrote \(path)/\(CalibrationReport.fileName)\n")
        }
        return 0
    }
}
