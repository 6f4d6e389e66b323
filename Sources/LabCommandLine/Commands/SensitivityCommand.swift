import Foundation
import LabCore
import LabReport

/// `lab sensitivity [DIR [DIR2]]`: how often the CI gate is wrong on this machine, and how
/// small a slowdown it sees, at each repetition count (``GateSensitivity``). Without DIR it
/// first measures a run with twice the largest count of repetitions (primes and digest unless
/// --workloads says otherwise); with DIR it reads that run folder; with two (or a `lab ab`
/// folder, which holds two) it draws the baseline from the first and the candidate from the
/// second, so that the drift between them counts.
struct SensitivityCommand: Command {
    static let name = "sensitivity"
    static let summary = [
        "How often 'lab compare --fail-if-slower' is wrong on this machine, and",
        "how small a slowdown it catches, at each count of repetitions.",
    ]
    static let defaultCounts = [5, 10, 20]
    static let defaultPercent = 2.0

    let registry: WorkloadRegistry

    var options: [OptionSpec] {
        [
            OptionSpec(
                "--repetitions", value: "LIST", expected: "a comma-separated list of integers from 2 to 500",
                default: Self.defaultCounts.map(String.init).joined(separator: ","),
                help: "Repetitions a side to judge the gate at; a measured run has twice the largest."),
            OptionSpec(
                "--fail-if-slower", value: "PERCENT", expected: "a number from 0 to 1000",
                default: Self.defaultPercent.shortText,
                help: "The gate's threshold."),
            SharedOptions.outOption(help: "The folder to measure into; it must not exist yet."),
            JSONSummary.formatOption,
            SharedOptions.quietOption,
        ]
    }

    var help: String {
        """
        USAGE: lab sensitivity [DIR [DIR2]] [options] [run options]

        Says how often 'lab compare --fail-if-slower PERCENT' fails a build against itself on
        this machine (false alarms), and the smallest slowdown it catches in 80% of tries, at
        each count of repetitions a side, then recommends the fewest repetitions that keep
        false alarms at most 1% and catch a slowdown of 2.5 times the threshold (5% at
        least). From one run: its repetitions of each cell are drawn at random, 200 times,
        into a baseline and a candidate; slowdowns are made by scaling the candidate's times.
        Without DIR it first runs the plan (--workloads primes,digest unless given; other
        options go to 'lab run') with twice the largest count of repetitions; with DIR it
        reads that run folder. Draws from one run hold the noise within it, not the drift
        between runs made apart. Given two run folders of one build on one plan (two runs
        made one after the other, or a 'lab ab' folder of a build against itself, which
        holds two), each draw takes n repetition numbers, the baseline's from the first
        and the candidate's from the second: the drift between them counts too.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab sensitivity --workloads noop --modes sequential,threads --quick --repetitions 2,4
          lab sensitivity Results/reference --repetitions 2
          lab sensitivity Results/reference Results/reference --repetitions 3

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let own = Set(parser.options.map(\.name))
        // The folders come first: one, two, or none.
        let folders = Array(arguments.prefix { !$0.hasPrefix("-") }.prefix(2))
        let folderGiven = !folders.isEmpty
        let rest = Array(arguments.dropFirst(folders.count))
        let (taken, runOptions) = parser.split(rest, taking: own)
        let parsed = try parser.parse(taken)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: Self.name) }
        let json = try JSONSummary.wanted(parsed)
        let counts =
            try parsed.value("--repetitions").map { text throws(UsageError) -> [Int] in
                try parseList(
                    text, option: "--repetitions", expected: "a comma-separated list of integers from 2 to 500"
                ).map { item throws(UsageError) in
                    try parseInteger(item, option: "--repetitions", range: 2...500)
                }
            }?.sorted() ?? Self.defaultCounts
        let percent = try CompareCommand.failIfSlower(parsed) ?? Self.defaultPercent
        let path: String
        if folderGiven {
            if !runOptions.isEmpty {
                throw UsageError.other(
                    "run options (\(runOptions.joined(separator: " "))) measure a run; with a folder to read, give none"
                )
            }
            path = folders[0]
        } else {
            for forbidden in ["--out", "--repetitions", "--resume", "--format"] where runOptions.contains(forbidden) {
                throw UsageError.other("\(forbidden) is sensitivity's own; give it once")
            }
            path = try SharedOptions.requestedOut(parsed) ?? "Results/sensitivity-\(UTCTime().compact)"
            var plan = runOptions
            if !plan.contains("--workloads") { plan += ["--workloads", "primes,digest"] }
            let binary = try Platform.executablePath()
            // The run checks its options first; then it measures, its warnings passed on.
            try ChildRun.checkRunOptions(plan, with: binary)
            try CommandSupport.coverInheritedDescriptors()
            let measured = 2 * (counts.last ?? 2)
            if !parsed.has("--quiet") {
                Console.error("lab: sensitivity: measuring \(measured) repetitions of each cell into \(path)/\n")
            }
            let run = try ChildRun.run(
                binary, ["run"] + plan + ["--repetitions", String(measured), "--out", path, "--quiet"])
            for line in run.error.split(separator: "\n") where line.hasPrefix("lab: ") {
                Console.error(String(line) + "\n")
            }
            guard run.status == 0 else { return run.status }
        }
        // Two runs: two folders given, or the two sides of a lab ab folder.
        var pair = folders.count == 2 ? (folders[0], folders[1]) : nil
        let sides = (path + "/baseline", path + "/candidate")
        if pair == nil, folders.count == 1, !FileManager.default.fileExists(atPath: RunFolder(path: path).resultsPath),
            FileManager.default.fileExists(atPath: RunFolder(path: sides.0).resultsPath)
        {
            pair = sides
        }
        let sensitivity: GateSensitivity
        if let pair {
            sensitivity = GateSensitivity(
                baseline: try RunFolder(path: pair.0).records(), candidate: try RunFolder(path: pair.1).records(),
                percent: percent, repetitions: counts)
        } else {
            sensitivity = GateSensitivity(
                records: try RunFolder(path: path).records(), percent: percent, repetitions: counts)
        }
        guard !sensitivity.rows.isEmpty else {
            let asked = "--repetitions \(counts.map(String.init).joined(separator: ","))"
            if let pair {
                throw UsageError.other(
                    "\(pair.0) and \(pair.1) share \(sensitivity.repetitionsMeasured) repetition numbers measured in "
                        + "every cell they share; \(asked) needs a count of them at least"
                )
            }
            throw UsageError.other(
                "\(path) has \(sensitivity.repetitionsMeasured) repetitions of its fewest-measured cell; \(asked) "
                    + "needs twice a count of them at least"
            )
        }
        if json {
            let rows = sensitivity.rows.map { row -> [String: Any] in
                [
                    "repetitions": row.repetitions, "false_alarm_rate": row.falseAlarmRate,
                    "smallest_caught_slowdown": row.smallestCaught as Any? ?? NSNull(),
                    "caught": row.caught.map { ["slowdown": $0.slowdown, "rate": $0.rate] },
                    "by_cell": row.byCell.map {
                        ["cell": $0.cell, "smallest_caught_slowdown": $0.smallestCaught as Any? ?? NSNull()]
                    },
                ]
            }
            Console.output(
                try JSONSummary.document([
                    "command": "sensitivity", "folder": pair?.0 ?? path,
                    "candidate_folder": pair.map { $0.1 as Any } ?? NSNull(), "fail_if_slower_percent": percent,
                    "cells": sensitivity.cells,
                    "repetitions_measured": sensitivity.repetitionsMeasured, "rows": rows,
                    "recommended_repetitions": sensitivity.recommended() as Any? ?? NSNull(),
                ]))
        } else {
            Console.output(sensitivity.text)
        }
        return 0
    }
}
