import LabCore
import LabReport

/// `lab report DIR`: rebuilds a run's derived files (summary, charts, timelines, trace,
/// report) from its results.csv, run.json, tasks.csv and lanes.csv alone.
struct ReportCommand {
    let parser = CommandLineParser(command: "report", options: [
        OptionSpec("--embed", value: "FILE", expected: "a Markdown file with '<!-- lab:chart -->' and '<!-- lab:overview -->' blocks",
                   help: "Also replace the run's chart and overview table between the marker comments '<!-- lab:chart -->' ... '<!-- /lab:chart -->' and '<!-- lab:overview -->' ... '<!-- /lab:overview -->' in FILE (such as a README)."),
    ])

    var help: String {
        """
        USAGE: lab report DIR [--embed FILE]

        Rebuilds summary.csv, chart.txt, chart.svg, report.md and, when the run has
        tasks.csv and lanes.csv, its timeline-*.svg and trace.json in the run folder DIR
        from its results.csv, run.json, tasks.csv and lanes.csv alone, byte for byte what
        the run wrote. Use it after editing or merging results.csv, or to refresh the files
        of an interrupted run. Nothing is written if an input cannot be read.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab report Results/20261125T121659Z
          lab report Results/reference --embed README.md

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError.other("lab report needs exactly one run folder; see 'lab report --help'")
        }
        let folder = RunFolder(path: path)
        // Read everything and check the document before writing anything.
        let derived = try folder.derivedFiles()
        CommandSupport.warnAboutLeftOut(derived.leftOut)
        var embedded: (path: String, text: String)?
        if let document = parsed.value("--embed") {
            guard let text = Platform.readSmallFile(document) else {
                throw UsageError.other("cannot read '\(document)' for --embed; give a Markdown file with lab:chart and lab:overview blocks")
            }
            do {
                embedded = (document, try DocumentEmbedding.embed(DocumentEmbedding.blocks(derived), in: text))
            } catch {
                throw UsageError.other("'\(document)' has \(error)")
            }
        }
        try folder.write(derived)
        if let embedded {
            try Platform.replaceFile(atPath: embedded.path, with: Array(embedded.text.utf8))
        }
        Console.output(derived.text(of: "chart.txt"))
        Console.output("\nrebuilt \(derived.files.map(\.name).joined(separator: ", ")) in \(path)/\(embedded.map { "; updated \($0.path)" } ?? "")\n")
        return 0
    }
}

/// `lab compare A B`: how every cell changed from run A to run B (A may be several runs,
/// pooled).
struct CompareCommand {
    let parser = CommandLineParser(command: "compare", options: [
        OptionSpec("--format", value: "FORMAT", expected: "one of: \(caseNames(RunComparison.Format.self))",
                   default: "text", help: "text (aligned lines), markdown (a table for docs) or csv (for scripts)."),
        OptionSpec("--fail-if-slower", value: "PERCENT", expected: "a number from 0 to 1000",
                   help: "Exit with status 1 when a cell of CANDIDATE is slower than in BASELINE by more than PERCENT, significantly (a rank test or the intervals, beyond the allowance, corrected for the number of cells), or failed only in CANDIDATE; a table of those cells follows the comparison (on standard error with --format csv). A cell that would fail but whose repetitions the rest of the machine disturbed (results.csv's disturbed) is named and not judged: with no other failing cell the status is 3, run again. For a CI job."),
    ])

    var help: String {
        """
        USAGE: lab compare BASELINE [BASELINE ...] CANDIDATE [--format text|markdown|csv] [--fail-if-slower PERCENT]

        Compares two run folders cell by cell (workload, parameters, tasks, mode, workers,
        transport): the ratio of median wall times and a verdict. A change counts only when
        the two 95% confidence intervals do not overlap; otherwise it says 'no significant
        change'. Cells found in only one run are listed. Useful for two machines, two
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
          1  a cell is slower, undisturbed, or failed only in CANDIDATE
          2  bad input: an option, a value, a folder that cannot be read
          3  only disturbed cells would fail: the machine was busy; run again

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab compare Results/20261125T121659Z Results/20261126T090000Z --format markdown
          lab compare Results/20261125T121659Z Results/20261126T090000Z --fail-if-slower 10
          lab compare Results/main-1 Results/main-2 Results/main-3 Results/candidate --fail-if-slower 10

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count >= 2, let candidatePath = parsed.positionals.last else {
            throw UsageError.other("lab compare needs two run folders or more, BASELINE ... and CANDIDATE; see 'lab compare --help'")
        }
        let baselinePaths = Array(parsed.positionals.dropLast())
        let format = try parsed.value("--format").map { (text: String) throws(UsageError) -> RunComparison.Format in
            try parseChoice(text, option: "--format")
        } ?? .text
        let percent = try parsed.value("--fail-if-slower").map {
            try parseNumber($0, option: "--fail-if-slower", range: 0...1000, expected: "a number from 0 to 1000")
        }
        let reads = try (baselinePaths + [candidatePath]).map { path throws(RunFolderError) in try RunFolder(path: path).readRecords() }
        CommandSupport.warnAboutLeftOut(reads.flatMap(\.leftOut))
        let baseline = reads.dropLast().flatMap(\.records)
        let candidate = reads.last!.records
        let comparison = RunComparison(baseline: baseline, candidate: candidate)
        if baselinePaths.count > 1, format == .text {
            Console.output("baseline: \(baselinePaths.count) runs pooled cell by cell (\(baselinePaths.joined(separator: ", ")))\n")
        }
        Console.output(comparison.render(format))
        guard let percent else { return 0 }
        let regressions = comparison.regressions(slowerThanPercent: percent)
        let gate = comparison.renderGate(regressions, percent: percent)
        // A CSV stays a CSV: the gate's table goes to standard error then.
        if format == .csv { Console.error(gate) } else { Console.output("\n" + gate) }
        // A real slowdown outweighs a disturbed cell; a disturbed one alone asks for a rerun.
        if regressions.contains(where: { !$0.disturbed }) { return ExitStatus.failure.rawValue }
        return regressions.isEmpty ? 0 : ExitStatus.disturbed.rawValue
    }
}

/// `lab explain DIR`: which mode won each workload, by how much, and why, from the run's own
/// breakdown of its times.
struct ExplainCommand {
    let parser = CommandLineParser(command: "explain", options: [
        OptionSpec("--workload", value: "NAME", expected: "a workload of the run", help: "Explain only this workload."),
        OptionSpec("--timeline", value: "MODE", expected: "one of: \(caseNames(ExecutionMode.self))",
                   help: "Also draw the median repetition of this mode's cell of each workload as an ASCII timeline."),
    ])

    var help: String {
        """
        USAGE: lab explain DIR [--workload NAME] [--timeline MODE]

        Says, for each workload of the run in DIR, which mode was fastest and by how much,
        and for every other cell the two parts of its time that grew the most against the
        fastest (start-up, work, exchange through pipes or queues, idle tail, teardown),
        each with its share of that cell's median repetition and the task slowdown where
        tasks ran slower than alone. Cells whose 95% intervals overlap the fastest's are
        named together as a tie. Where the run has the machine's counters (lab 0.6.0), it
        cites them: page faults far above the faster cell's, each lane's wait for a core,
        the workers' memory as RSS against PSS and USS, and repetitions that other work on
        the machine disturbed. Every figure comes from the run's files. A run made by lab
        0.3.0 or older has no breakdown: explain says who won and that it cannot say why.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLES:
          lab explain Results/reference
          lab explain Results/reference --workload digest --timeline processes

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError.other("lab explain needs exactly one run folder; see 'lab explain --help'")
        }
        let timelineMode = try parsed.value("--timeline").map { (text: String) throws(UsageError) -> ExecutionMode in
            try parseChoice(text, option: "--timeline")
        }
        let folder = RunFolder(path: path)
        let (records, recordsLeftOut) = try folder.readRecords()
        let (timelines, timelinesLeftOut) = try folder.readTimelines()
        CommandSupport.warnAboutLeftOut(recordsLeftOut + timelinesLeftOut)
        let summaries = CellSummary.summarize(records, timelines: timelines)
        // Only for wording (who made the run, how many cores it had): a folder whose
        // run.json does not read still explains.
        let description = try? folder.runDescription()
        let explanation = Explanation(summaries: summaries, records: records, runtime: description?.runtime, cores: description?.machine.cores)
        let workload = parsed.value("--workload")
        if let workload, !explanation.workloads.contains(workload) {
            throw UsageError.invalidValue(option: "--workload", value: workload, expected: "a workload of this run: \(explanation.workloads.joined(separator: ", "))")
        }
        if timelineMode != nil, timelines == nil {
            throw UsageError.other("\(path) has no tasks.csv and lanes.csv (a run by lab 0.3.0 or older), so --timeline has nothing to draw; run it again with this lab")
        }
        var text = explanation.render(workload: workload)
        if let timelineMode, let timelines {
            let cells = CellTimeline.medians(of: summaries, records: records, timelines: timelines)
                .filter { $0.cell.mode == timelineMode && (workload == nil || $0.cell.workload == workload) }
            if cells.isEmpty {
                text += "\nno \(timelineMode.rawValue) cell with a timeline to draw\(workload.map { " for \($0)" } ?? "")\n"
            } else {
                text += "\n" + cells.map { AsciiTimeline().render($0) }.joined(separator: "\n") + AsciiTimeline.legend + "\n"
            }
        }
        Console.output(text)
        return 0
    }
}
