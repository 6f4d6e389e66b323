import Foundation
import LabCore
import LabReport

/// `lab explain DIR`: which mode won each workload, by how much, and why, from the run's own
/// breakdown of its times.
struct ExplainCommand: Command {
    static let name = "explain"
    static let summary = [
        "Say, with the run's numbers, which mode won each workload and why."
    ]

    init(registry: WorkloadRegistry) {}
    let options: [OptionSpec] = [
        OptionSpec(
            "--workload", value: "NAME", expected: "a workload of the run", help: "Explain only this workload."),
        OptionSpec(
            "--timeline", value: "MODE", expected: "one of: \(caseNames(ExecutionMode.self))",
            help: "Also draw the median repetition of this mode's cell of each workload as an ASCII timeline."),
        JSONSummary.formatOption,
    ]

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
        the machine disturbed. Then, per parallel cell, its speedup stack in a sentence (why
        it is not N times as fast, in parts that add up), and where the run has unit costs
        (lab 0.9.0) the time predicted for it and the part the prediction got most wrong
        (as 'lab predict' says). Every figure comes from the run's files. A run made by lab
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
        let json = try JSONSummary.wanted(parsed)
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
        let explanation = Explanation(
            summaries: summaries, records: records, runtime: description?.runtime, cores: description?.machine.cores,
            stackContext: SpeedupStack.Context(description))
        let workload = parsed.value("--workload")
        if let workload, !explanation.workloads.contains(workload) {
            throw UsageError.invalidValue(
                option: "--workload", value: workload,
                expected: "a workload of this run: \(explanation.workloads.joined(separator: ", "))")
        }
        if timelineMode != nil, timelines == nil {
            throw UsageError.other(
                "\(path) has no tasks.csv and lanes.csv (a run by lab 0.3.0 or older), so --timeline has nothing to "
                    + "draw; run it again with this lab"
            )
        }
        var text = explanation.render(workload: workload)
        if json {
            // A workload's paragraph: its heading line, then a sentence a line.
            let workloads = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block -> [String: Any] in
                let lines = JSONSummary.lines(block)
                return [
                    "heading": lines.first ?? "",
                    "sentences": lines.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) },
                ]
            }
            Console.output(try JSONSummary.document(["command": "explain", "folder": path, "workloads": workloads]))
            return 0
        }
        if let timelineMode, let timelines {
            let cells = CellTimeline.medians(of: summaries, records: records, timelines: timelines)
                .filter { $0.cell.mode == timelineMode && (workload == nil || $0.cell.workload == workload) }
            if cells.isEmpty {
                text +=
                    "\nno \(timelineMode.rawValue) cell with a timeline to draw\(workload.map { " for \($0)" } ?? "")\n"
            } else {
                text +=
                    "\n" + cells.map { AsciiTimeline().render($0) }.joined(separator: "\n") + AsciiTimeline.legend
                    + "\n"
            }
        }
        Console.output(text)
        return 0
    }
}
