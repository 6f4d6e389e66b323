import LabCore
import LabReport

/// `lab report DIR`: rebuilds a run's summary.csv, chart.txt, chart.svg and report.md from its
/// results.csv and run.json alone.
struct ReportCommand {
    let parser = CommandLineParser(command: "report", options: [
        OptionSpec("--embed", value: "FILE", expected: "a Markdown file with '<!-- lab:chart -->' and '<!-- lab:overview -->' blocks",
                   help: "Also replace the run's chart and overview table between the marker comments '<!-- lab:chart -->' ... '<!-- /lab:chart -->' and '<!-- lab:overview -->' ... '<!-- /lab:overview -->' in FILE (such as a README)."),
    ])

    var help: String {
        """
        USAGE: lab report DIR [--embed FILE]

        Rebuilds summary.csv, chart.txt, chart.svg and report.md in the run folder DIR from
        its results.csv and run.json alone, byte for byte what the run wrote. Use it after
        editing or merging results.csv, or to refresh the files of an interrupted run.
        Nothing is written if either input cannot be read.

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

/// `lab compare A B`: how every cell changed from run A to run B.
struct CompareCommand {
    let parser = CommandLineParser(command: "compare", options: [
        OptionSpec("--format", value: "FORMAT", expected: "one of: \(caseNames(RunComparison.Format.self))",
                   default: "text", help: "text (aligned lines), markdown (a table for docs) or csv (for scripts)."),
    ])

    var help: String {
        """
        USAGE: lab compare BASELINE CANDIDATE [--format text|markdown|csv]

        Compares two run folders cell by cell (workload, parameters, tasks, mode, workers):
        the ratio of median wall times and a verdict. A change counts only when the two
        95% confidence intervals do not overlap; otherwise it says 'no significant change'.
        Cells found in only one run are listed. Useful for two machines, two versions, or
        before and after a change.

        OPTIONS:
        \(parser.optionsHelp())
          -h, --help
              Show this help.

        EXAMPLE:
          lab compare Results/20261125T121659Z Results/20261126T090000Z --format markdown

        """
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count == 2 else {
            throw UsageError.other("lab compare needs two run folders, BASELINE and CANDIDATE; see 'lab compare --help'")
        }
        let format = try parsed.value("--format").map { (text: String) throws(UsageError) -> RunComparison.Format in
            try parseChoice(text, option: "--format")
        } ?? .text
        let baseline = try RunFolder(path: parsed.positionals[0]).records()
        let candidate = try RunFolder(path: parsed.positionals[1]).records()
        Console.output(RunComparison(baseline: baseline, candidate: candidate).render(format))
        return 0
    }
}
