import Foundation
import LabCore
import LabReport

/// `lab ab BASELINE_BINARY CANDIDATE_BINARY [run options]`: two builds of the lab (or of a
/// package's own binary that calls `LabCommandLine.main`) measured on one plan in one
/// invocation, a round at a time: each round runs each binary's `run` once (one warm-up and one
/// repetition of every cell), the order of the two turning every round, so that the machine's
/// drift over the minutes falls on both alike instead of on the difference. The rounds of each
/// side are gathered into a run folder of its own (`baseline/`, `candidate/`), which `lab
/// report`, `lab explain` and `lab compare` read, and the two are judged as `lab compare`
/// judges them.
struct ABCommand: Command {
    static let name = "ab"
    static let summary = [
        "Measure two builds on one plan, alternating them round by round,",
        "and compare or gate them as lab compare does.",
    ]
    static let defaultRounds = 10
    static let rounds = CountOption(name: "--repetitions", range: 2...1000)

    let registry: WorkloadRegistry

    /// ab's own options; every other option goes to each binary's `run`.
    var options: [OptionSpec] {
        [
            Self.rounds.spec(
                default: "\(Self.defaultRounds)",
                help: "Rounds: each binary's repetitions of every cell, a run of it per round."),
            SharedOptions.outOption(
                help: "The folder to create, with baseline/ and candidate/ in it; it must not exist yet."),
            OptionSpec(
                "--fail-if-slower", value: "PERCENT", expected: "a number from 0 to 1000",
                help: "Gate as 'lab compare --fail-if-slower' does."),
            OptionSpec(
                "--fail-if", value: "METRIC>PERCENT%", expected: "METRIC>PERCENT%, as for 'lab compare'",
                repeatable: true,
                help: "Gate another metric as 'lab compare --fail-if' does; may repeat."),
            OptionSpec("--allow-missing", help: "As for 'lab compare'."),
            JSONSummary.formatOption,
            SharedOptions.quietOption,
        ]
    }

    var help: String {
        """
        USAGE: lab ab BASELINE_BINARY CANDIDATE_BINARY [ab options] [run options]

        Measures two builds on one plan in one invocation, alternating them: each of
        --repetitions rounds runs 'BINARY run RUN_OPTIONS --repetitions 1' of each binary,
        the baseline first in odd rounds and the candidate first in even ones, so that
        drift over the minutes (other load, the host's placement of the vCPUs) falls on
        both alike. Every repetition follows a warm-up in its own process. The rounds of
        each side are gathered into DIR/baseline and DIR/candidate, run folders that
        'lab report', 'lab explain' and 'lab compare' read; then the two are compared,
        and with --fail-if-slower or --fail-if gated, as 'lab compare' does it, with its
        exit statuses (0, 1, 2, 3 and 4). The binaries may be two builds of the lab or of
        a package of your own that calls LabCommandLine.main. Any option that is not ab's
        goes to each binary's run, and is checked by it first (--dry-run).

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab ab .build/release/lab .build/release/lab --workloads primes \\
                 --modes sequential,threads --quick --repetitions 4

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        guard arguments.count >= 2, !arguments[0].hasPrefix("-"), !arguments[1].hasPrefix("-") else {
            throw UsageError.other(
                "lab ab needs two binaries, BASELINE_BINARY CANDIDATE_BINARY, then options; see 'lab ab --help'")
        }
        let binaries = Array(arguments.prefix(2))
        for binary in binaries where !FileManager.default.isExecutableFile(atPath: binary) {
            throw UsageError.other(
                "'\(binary.shownInMessage)' is not an executable file; give the paths of two lab binaries (such as "
                    + ".build/release/lab)"
            )
        }
        let own = Set(parser.options.map(\.name))
        let (taken, runOptions) = parser.split(Array(arguments.dropFirst(2)), taking: own)
        let parsed = try parser.parse(taken)
        let json = try JSONSummary.wanted(parsed)
        let rounds = try Self.rounds.value(parsed) ?? Self.defaultRounds
        for forbidden in ["--out", "--repetitions", "--resume", "--format"] where runOptions.contains(forbidden) {
            throw UsageError.other("\(forbidden) is ab's own; give it once, for ab")
        }
        let percent = try CompareCommand.failIfSlower(parsed)
        let metrics = try (parsed.values["--fail-if"] ?? []).map(CompareCommand.metricThreshold)
        let out = try SharedOptions.requestedOut(parsed) ?? "Results/ab-\(UTCTime().compact)"
        // Each binary checks the run options before anything is created.
        for binary in binaries { try ChildRun.checkRunOptions(runOptions, with: binary) }
        if FileManager.default.fileExists(atPath: out) { throw UsageError.outputExists(path: out) }
        let rooms = ["baseline", "candidate"]
        do {
            for room in rooms {
                try FileManager.default.createDirectory(
                    atPath: out + "/" + room + "-rounds", withIntermediateDirectories: true)
            }
        } catch {
            throw UsageError.outputNotCreatable(path: out, reason: "\(error)")
        }
        // The binaries start with Foundation's Process, which needs this.
        try CommandSupport.coverInheritedDescriptors()
        let quiet = parsed.has("--quiet")
        for round in 1...rounds {
            let order = round % 2 == 1 ? [0, 1] : [1, 0]
            for side in order {
                if !quiet {
                    Console.error("lab: ab: round \(round) of \(rounds), \(rooms[side]) (\(binaries[side]))\n")
                }
                let folder = "\(out)/\(rooms[side])-rounds/\(round)"
                let result = try ChildRun.run(
                    binaries[side], ["run"] + runOptions + ["--repetitions", "1", "--out", folder, "--quiet"])
                // 1 is a failed repetition or a checksum that disagrees: the folder says which.
                guard result.status == 0 || result.status == 1 else {
                    throw ChildRun.Failed(
                        description: "\(binaries[side]) run exited \(result.status) in round \(round): \(result.error)")
                }
            }
        }
        // Each side's rounds gathered into one run folder, a repetition per round.
        for room in rooms {
            var gathered: [RepetitionRecord] = []
            var description: RunDescription?
            for round in 1...rounds {
                let folder = RunFolder(path: "\(out)/\(room)-rounds/\(round)")
                description = try description ?? folder.runDescription()
                gathered += try folder.records().map { record in
                    var record = record
                    record.repetition = round
                    return record
                }
            }
            let folder = RunFolder(path: "\(out)/\(room)")
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: false)
            let writer = try ResultsFileWriter(path: folder.resultsPath)
            for record in gathered { try writer.append(record) }
            if var description {
                description.plan.repetitions = rounds
                try folder.write(description)
            }
            _ = try folder.writeDerivedFiles()
            try FileManager.default.removeItem(atPath: "\(out)/\(room)-rounds")
        }
        // Judged as lab compare judges two folders.
        var compare = ["\(out)/baseline", "\(out)/candidate"]
        if let percent { compare += ["--fail-if-slower", percent.shortText] }
        for metric in metrics { compare += ["--fail-if", "\(metric.metric.rawValue)>\(metric.percent.shortText)%"] }
        if parsed.has("--allow-missing") { compare.append("--allow-missing") }
        if json { compare += ["--format", "json"] }
        if !json {
            Console.output(
                "baseline \(binaries[0]) -> candidate \(binaries[1]), \(rounds) rounds alternating, in \(out)/\n\n")
        }
        return try CompareCommand(registry: registry).run(compare)
    }
}
