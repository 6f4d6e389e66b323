import LabCore
import LabReport

/// `lab report DIR`: rebuilds a run's derived files (summary, charts, timelines, trace,
/// report) from its results.csv, run.json, tasks.csv and lanes.csv alone.
struct ReportCommand: Command {
    static let name = "report"
    static let summary = [
        "Rebuild a run's summary, charts, timelines and report.md from its files."
    ]

    init(registry: WorkloadRegistry) {}
    let options: [OptionSpec] = [
        OptionSpec(
            "--embed", value: "FILE",
            expected: "a Markdown file with a '<!-- lab:chart -->' or '<!-- lab:overview -->' block, or both",
            help:
                "Also replace the run's chart and overview table between the marker comments '<!-- lab:chart -->' "
                + "... '<!-- /lab:chart -->' and '<!-- lab:overview -->' ... '<!-- /lab:overview -->' in FILE "
                + "(such as a README), each that FILE has."
        )
    ]

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
        // One lab writes a folder at a time: the run folder, and the folder of the document.
        let lock = try RunFolderLock.acquire(path)
        var documentLock: RunFolderLock?
        if let document = parsed.value("--embed") {
            let documentFolder = OutputFolder.parent(of: document) ?? "."
            if let identity = Platform.fileIdentity(documentFolder), let own = Platform.fileIdentity(path),
                identity != own
            {
                documentLock = try RunFolderLock.acquire(documentFolder)
            }
        }
        // Read everything and check the document before writing anything.
        let derived = try folder.derivedFiles()
        CommandSupport.warnAboutLeftOut(derived.leftOut)
        var embedded: (path: String, text: String)?
        if let document = parsed.value("--embed") {
            guard let text = Platform.readSmallFile(document) else {
                throw UsageError.other(
                    "cannot read '\(document)' for --embed; give a Markdown file with a lab:chart or lab:overview block"
                )
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
        withExtendedLifetime((lock, documentLock)) {}
        Console.output(derived.text(of: RunFolder.chartName))
        Console.output(
            "\nrebuilt \(derived.files.map(\.name).joined(separator: ", ")) in "
                + "\(path)/\(embedded.map { "; updated \($0.path)" } ?? "")\n"
        )
        return 0
    }
}
