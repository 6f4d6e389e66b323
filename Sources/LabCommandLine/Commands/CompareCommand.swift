import LabCore
import LabReport

/// `lab compare A B`: how every cell changed from run A to run B (A may be several runs,
/// pooled).
struct CompareCommand: Command {
    static let name = "compare"
    static let summary = [
        "Compare two runs cell by cell, with significance."
    ]

    init(registry: WorkloadRegistry) {}
    let options: [OptionSpec] = [
        OptionSpec(
            "--format", value: "FORMAT", expected: "one of: \(caseNames(RunComparison.Format.self))",
            default: "text",
            help:
                "text (aligned lines), markdown (a table for docs), csv (a row per cell) or json (the cells with "
                + "their answers and the gate, for scripts; keys in Results/README.md)."
        ),
        OptionSpec(
            "--fail-if-slower", value: "PERCENT", expected: "a number from 0 to 1000",
            help:
                "Exit with status 1 when a cell of CANDIDATE is slower than in BASELINE by more than PERCENT, "
                + "significantly (a rank test or the intervals, beyond the allowance, corrected for the number "
                + "of cells), or failed only in CANDIDATE; a table of those cells follows the comparison (on "
                + "standard error with --format csv). A cell that would fail but whose repetitions the rest of "
                + "the machine disturbed (results.csv's disturbed) is named and not judged: with no other "
                + "failing cell the status is 3, run again. A cell it cannot tell at PERCENT (medians apart by "
                + "more, intervals overlapping, or repetitions that fall in two places) is named with the "
                + "repetitions that would tell: with no other failing or disturbed cell the status is 4, run "
                + "again with more. A cell of BASELINE missing from CANDIDATE fails. For a CI job."
        ),
        OptionSpec(
            "--fail-if", value: "METRIC>PERCENT%",
            expected:
                "METRIC>PERCENT% with METRIC one of: "
                + "\(RunComparison.Metric.allCases.map(\.rawValue).joined(separator: ", ")), such as "
                + "workers_uss>10%",
            repeatable: true,
            help:
                "Exit with status 1 when a cell's METRIC grew by more than PERCENT: wall and cpu time and waiting "
                + "for a core by the rules of --fail-if-slower (wall>N% is --fail-if-slower N); rss (the "
                + "coordinator's peak), workers_uss (what the workers own alone), faults and switches, which "
                + "barely vary, when the candidate's median is beyond the allowance and its smallest value "
                + "above the baseline's largest. May repeat, a metric once."
        ),
        OptionSpec(
            "--allow-missing",
            help:
                "With --fail-if-slower: a cell of BASELINE that CANDIDATE lacks (a renamed or removed workload, a "
                + "mode left out) is listed and does not fail the gate."
        ),
    ]

    var help: String {
        """
        USAGE: lab compare BASELINE [BASELINE ...] CANDIDATE [--format text|markdown|csv|json]
                           [--fail-if-slower PERCENT]

        Compares two run folders cell by cell (workload, parameters, tasks, mode, workers,
        transport): the ratio of median wall times and one of three answers. A change
        counts when the two 95% confidence intervals do not overlap; a cell says 'no
        significant change' only when its medians are also within 5% (or --fail-if-slower's
        PERCENT); otherwise, and when a side's repetitions fall in two places, it says
        'cannot tell' with what would tell. Cells found in only one run are listed. Useful for two machines, two
        versions, or before and after a change. With --fail-if-slower PERCENT it is a gate:
        a cell whose median is more than PERCENT slower, where the Mann-Whitney U test
        (one-sided, p < 0.05 after Holm's adjustment over all cells compared) or the
        intervals (at 1 - 0.05/cells, Bonferroni) say the candidate is slower than the
        baseline with PERCENT added, makes it exit with status 1, and it says which rule
        decided. The correction keeps two runs that differ only by chance from failing
        any cell (95% of the time); with few repetitions it also needs larger changes.
        Given several BASELINE folders (earlier runs of the same plan on the same
        machine), their repetitions are pooled cell by cell: a cell that moves between
        runs as the machine does then moves within the baseline too, and is not failed
        for it. A cell whose repetitions other processes or the hypervisor disturbed (on
        either side) is not called slower: it is named as disturbed, and if it is all
        that would fail, the status is 3, so that a CI job can run again instead of
        blaming the change.

        EXIT STATUS:
          0  no cell is slower (or no --fail-if-slower)
          1  a cell is slower, undisturbed, failed only in CANDIDATE, or is missing from
             CANDIDATE (unless --allow-missing)
          2  bad input: an option, a value, a folder that cannot be read
          3  only disturbed cells would fail: the machine was busy; run again
          4  no cell fails, but a cell cannot be told at PERCENT: run again with more
             repetitions (the line says how many)

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab compare Results/20261125T121659Z Results/20261126T090000Z --format markdown
          lab compare Results/20261125T121659Z Results/20261126T090000Z --fail-if-slower 10
          lab compare Results/main-1 Results/main-2 Results/main-3 Results/candidate --fail-if-slower 10
          lab compare Results/20261125T121659Z Results/20261126T090000Z --fail-if-slower 5 --format json

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count >= 2, let candidatePath = parsed.positionals.last else {
            throw UsageError.other(
                "lab compare needs two run folders or more, BASELINE ... and CANDIDATE; see 'lab compare --help'")
        }
        let baselinePaths = Array(parsed.positionals.dropLast())
        let format =
            try parsed.value("--format").map { (text: String) throws(UsageError) -> RunComparison.Format in
                try parseChoice(text, option: "--format")
            } ?? .text
        var percent = try Self.failIfSlower(parsed)
        var metrics = try (parsed.values["--fail-if"] ?? []).map(Self.metricThreshold)
        if let wall = metrics.firstIndex(where: { $0.metric == .wall }) {
            if percent != nil {
                throw UsageError.other(
                    "--fail-if wall>... and --fail-if-slower both set the wall time's threshold; give one")
            }
            percent = metrics.remove(at: wall).percent
        }
        if let repeated = Dictionary(grouping: metrics, by: \.metric).first(where: { $0.value.count > 1 })?.key {
            throw UsageError.other("--fail-if \(repeated.rawValue) is given more than once; give each metric once")
        }
        let reads = try (baselinePaths + [candidatePath]).map { path throws(RunFolderError) in
            try RunFolder(path: path).readRecords()
        }
        CommandSupport.warnAboutLeftOut(reads.flatMap(\.leftOut))
        let baseline = reads.dropLast().flatMap(\.records)
        let candidate = reads.last!.records
        var comparison = RunComparison(baseline: baseline, candidate: candidate)
        if baselinePaths.count > 1, format == .text {
            Console.output(
                "baseline: \(baselinePaths.count) runs pooled cell by cell (\(baselinePaths.joined(separator: ", ")))\n"
            )
        }
        // The gate, judged once for the text and the JSON alike.
        let allowMissing = parsed.has("--allow-missing")
        let grown = metrics.flatMap {
            comparison.metricRegressions($0.metric, percent: $0.percent, baseline: baseline, candidate: candidate)
        }
        let regressions = percent.map { comparison.regressions(slowerThanPercent: $0) } ?? []
        let undecided = percent.map { comparison.undecided(slowerThanPercent: $0, regressions: regressions) } ?? []
        // A real slowdown or a grown metric outweighs a disturbed cell, which outweighs one that
        // cannot be told; the cells the candidate lacks fail any gate.
        let status: Int32 =
            percent == nil && metrics.isEmpty
            ? 0
            : !grown.isEmpty
                ? ExitStatus.failure.rawValue
                : comparison.gateStatus(regressions: regressions, undecided: undecided, missingFail: !allowMissing)
        if format == .json {
            try renderJSON(
                comparison, baselines: baselinePaths, candidate: candidatePath, percent: percent,
                allowMissing: allowMissing,
                gate: (regressions, undecided, status), metrics: metrics, grown: grown)
            return status
        }
        if let percent { comparison.gate = (percent, Set(regressions.map(\.match.candidate.cellKey))) }
        Console.output(comparison.render(format))
        let metricLines = metrics.map { threshold in
            let cells = grown.filter { $0.metric == threshold.metric }
            return cells.isEmpty
                ? "lab compare: no cell's \(threshold.metric.rawValue) grew by more than "
                    + "\(threshold.percent.shortText)%\n"
                : "lab compare: \(cells.count) cell\(cells.count == 1 ? "'s" : "s'") \(threshold.metric.rawValue) grew "
                    + "by more than \(threshold.percent.shortText)%: "
                    + cells.map(\.line).joined(separator: "; ") + "\n"
        }.joined()
        if !metricLines.isEmpty {
            if format == .csv { Console.error(metricLines) } else { Console.output("\n" + metricLines) }
        }
        guard let percent else {
            // A gate of other metrics alone names the cells the candidate lacks too.
            let missing = metrics.isEmpty ? "" : comparison.renderUndecided([], percent: 0, allowMissing: allowMissing)
            if !missing.isEmpty { if format == .csv { Console.error(missing) } else { Console.output(missing) } }
            return status
        }
        let verdicts =
            comparison.renderGate(regressions, percent: percent)
            + comparison.renderUndecided(undecided, percent: percent, allowMissing: allowMissing)
        // A CSV stays a CSV: the gate's table goes to standard error then.
        if format == .csv { Console.error(verdicts) } else { Console.output("\n" + verdicts) }
        return status
    }

    /// `--fail-if-slower PERCENT`, as compare, ab and sensitivity read it; `nil` when absent.
    static func failIfSlower(_ parsed: ParsedArguments) throws(UsageError) -> Double? {
        try parsed.value("--fail-if-slower").map { (text: String) throws(UsageError) -> Double in
            try parseNumber(text, option: "--fail-if-slower", range: 0...1000, expected: "a number from 0 to 1000")
        }
    }

    /// `workers_uss>10%` as a metric and its percent.
    static func metricThreshold(_ text: String) throws(UsageError) -> (metric: RunComparison.Metric, percent: Double) {
        let expected =
            "METRIC>PERCENT% with METRIC one of: "
            + "\(RunComparison.Metric.allCases.map(\.rawValue).joined(separator: ", ")), such as workers_uss>10%"
        let parts = text.split(separator: ">", maxSplits: 1).map(String.init)
        guard parts.count == 2, let metric = RunComparison.Metric(rawValue: parts[0]), parts[1].hasSuffix("%"),
            let percent = Double(parts[1].dropLast()), percent.isFinite, (0...1000).contains(percent)
        else {
            throw .invalidValue(option: "--fail-if", value: text, expected: expected + " and PERCENT from 0 to 1000")
        }
        return (metric, percent)
    }

    /// `--format json`: the cells as the CSV's rows, each with its `answer` at the threshold
    /// (same, slower, faster, cannot tell, untested), and with --fail-if-slower the gate: the
    /// cells it failed, could not tell, did not judge (disturbed) and missed, and its status.
    func renderJSON(
        _ comparison: RunComparison, baselines: [String], candidate: String, percent: Double?, allowMissing: Bool,
        gate: (regressions: [RunComparison.Regression], undecided: [RunComparison.Match], status: Int32),
        metrics: [(metric: RunComparison.Metric, percent: Double)], grown: [RunComparison.MetricRegression]
    ) throws {
        let threshold = (percent ?? RunComparison.noticeable * 100) / 100
        var rows = JSONSummary.rows(fromCSV: comparison.csvText)
        for (index, match) in comparison.matches.enumerated() where index < rows.count {
            rows[index]["answer"] = match.answer(threshold: threshold).rawValue
            rows[index]["verdict"] = match.verdict(threshold: threshold)
        }
        var document: [String: Any] = [
            "command": "compare", "baselines": baselines, "candidate": candidate, "threshold_percent": threshold * 100,
            "cells": rows,
        ]
        if let percent {
            func name(_ match: RunComparison.Match) -> String { "\(match.shown.workload) \(match.shown.label)" }
            let (regressions, undecided) = (gate.regressions, gate.undecided)
            document["gate"] =
                [
                    "fail_if_slower_percent": percent, "exit_status": Int(gate.status),
                    "slower": regressions.filter { !$0.disturbed }.map { name($0.match) },
                    "disturbed": regressions.filter(\.disturbed).map { name($0.match) }
                        + undecided.filter { $0.disturbedRepetitions > 0 }.map(name),
                    "cannot_tell": undecided.filter { $0.disturbedRepetitions == 0 }.map(name),
                    "missing_from_candidate": comparison.onlyInBaseline.map { "\($0.workload) \($0.label)" },
                    "missing_allowed": allowMissing,
                ] as [String: Any]
        }
        if !metrics.isEmpty {
            document["metrics"] = metrics.map { threshold -> [String: Any] in
                [
                    "metric": threshold.metric.rawValue, "percent": threshold.percent,
                    "grown": grown.filter { $0.metric == threshold.metric }.map {
                        "\($0.match.shown.workload) \($0.match.shown.label)"
                    },
                ]
            }
        }
        Console.output(try JSONSummary.document(document))
    }
}
