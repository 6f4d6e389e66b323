import Glibc
import LabCore

/// Why a run folder cannot be read.
package enum RunFolderError: Error, ExitStatusCarrying, CustomStringConvertible, Equatable, Sendable {
    /// The folder itself is not there (or is no folder): the user named a path that is none.
    case noFolder(path: String)
    /// The file is not there (or cannot be opened): the user named a folder that is no run's.
    case unreadable(path: String)
    /// The file is there but reading it failed: a fault of the system, not of the input.
    case readFailed(path: String, error: SystemError)
    case invalidResults(path: String, reason: String)
    case invalidDescription(path: String, reason: String)
    /// A name in the folder that is no plain file: a symbolic link, a FIFO, a device, a folder.
    case notAFile(path: String, what: String)
    /// A file larger than the lab reads (``RunFolder/fileSizeLimit``).
    case tooLarge(path: String, bytes: Int)
    /// Another lab writes the folder now (``RunFolderLock``); `holder` names it when it can.
    case busy(path: String, holder: String?)

    package var exitStatus: ExitStatus {
        if case .readFailed = self { return .failure }
        return .badInput
    }

    package var description: String {
        switch self {
        case .noFolder(let path):
            "no folder at '\(path.shownInMessage)'; name a run folder, such as Results/<run-id>, that holds "
                + "results.csv and run.json"
        case .unreadable(let path): "cannot read '\(path)'; a run folder holds results.csv and run.json"
        case .readFailed(let path, let error): "reading '\(path)' failed: \(error)"
        case .invalidResults(let path, let reason): "invalid results file '\(path)': \(reason)"
        case .invalidDescription(let path, let reason): "invalid run description '\(path)': \(reason)"
        case .notAFile(let path, let what):
            "'\(path.shownInMessage)' is \(what), not a plain file; a run folder's files are read only as plain files, "
                + "never through a link"
        case .busy(let path, let holder):
            "'\(path.shownInMessage)' is being written by another "
                + "lab\(holder.map { " (\($0.shownInMessage))" } ?? ""); one lab writes a folder at a time: wait for "
                + "it to end, then try again"
        case .tooLarge(let path, let bytes):
            "'\(path.shownInMessage)' holds \(bytes) bytes, more than the \(RunFolder.fileSizeLimit) bytes "
                + "(\(RunFolder.fileSizeLimit >> 20) MiB) the lab reads from a run folder's file"
        }
    }
}

/// A run's folder: `results.csv` and `run.json` are the data; `summary.csv`, `chart.txt`,
/// `chart.svg` and `report.md` are derived from them, by the run and by `lab report` alike,
/// so both write the same bytes.
package struct RunFolder: Sendable {
    package let path: String

    package init(path: String) {
        self.path = path
    }

    /// The names of a run folder's files, said here once: the data files, then the files
    /// derived from them (the timelines' own are ``TimelineFiles``' and ``TraceFile``'s).
    package static let resultsName = "results.csv"
    package static let descriptionName = "run.json"
    package static let summaryName = "summary.csv"
    package static let chartName = "chart.txt"
    package static let chartSVGName = "chart.svg"
    package static let reportName = "report.md"
    /// Why not the ideal speedup: a row per parallel cell and part of its gap (``SpeedupStack``).
    package static let stackName = "stack.csv"
    /// The same, drawn (written when the run has a parallel cell with a breakdown).
    package static let stackSVGName = "stack.svg"
    /// `timeline-<workload>.svg` (`timeline-<workload>-2.svg` for another of the same name).
    package static let timelinePrefix = "timeline-"

    /// The largest count a folder's file may hold in any field (tasks, workers, a repetition,
    /// bytes, faults): 256 Gi, far more than any run measures, and small enough that the sum
    /// of one such field over every row a file can hold (``fileSizeLimit``) cannot overflow.
    package static let countLimit = 1 << 38

    package var resultsPath: String { path + "/" + RunFolder.resultsName }
    package var descriptionPath: String { path + "/" + RunFolder.descriptionName }

    /// The measured records, read back from `results.csv`.
    package func records() throws(RunFolderError) -> [RepetitionRecord] {
        try readRecords().records
    }

    /// The measured records, and a note naming the last record when the file was cut short
    /// in it (a full disk, a crash): it is left out, every whole record before it is used.
    package func readRecords() throws(RunFolderError) -> (records: [RepetitionRecord], leftOut: [String]) {
        let results = try readResults()
        return (results.records, results.leftOut)
    }

    /// ``readRecords()``, and how many bytes of `results.csv` its whole records take: where a
    /// resumed run appends.
    package func readResults() throws(RunFolderError) -> (
        records: [RepetitionRecord], leftOut: [String], wholeLength: Int
    ) {
        try parseResults(try read(resultsPath))
    }

    /// ``readResults()`` of the text of `results.csv`.
    func parseResults(
        _ text: String
    ) throws(RunFolderError) -> (records: [RepetitionRecord], leftOut: [String], wholeLength: Int) {
        let results: (records: [RepetitionRecord], leftOut: Int?, wholeLength: Int)
        do {
            results = try ResultsFileReader.read(fromCSV: text)
        } catch {
            throw .invalidResults(path: resultsPath, reason: error.description)
        }
        return (
            results.records, results.leftOut.map { [RunFolder.leftOutNote(path: resultsPath, record: $0)] } ?? [],
            results.wholeLength
        )
    }

    /// The warning for a record left out, such as `tasks.csv: record 2562 is cut short (the
    /// file ends in the middle of it, as after a full disk or a crash); it was left out`.
    static func leftOutNote(path: String, record: Int) -> String {
        "\(path): record \(record) is cut short (the file ends in the middle of it, as after a full disk or a crash); "
            + "it was left out, every record before it was used"
    }

    /// The run's description, read back from `run.json`.
    package func runDescription() throws(RunFolderError) -> RunDescription {
        try parseDescription(try read(descriptionPath))
    }

    /// ``runDescription()`` of the text of `run.json`.
    func parseDescription(_ text: String) throws(RunFolderError) -> RunDescription {
        do {
            return try RunDescription.parse(text)
        } catch {
            throw .invalidDescription(path: descriptionPath, reason: "\(error)")
        }
    }

    /// The text of `path`, or `nil` when there is no such file; a read error is a failure of
    /// its own, never an early end of file.
    static func readIfPresent(_ path: String) throws(RunFolderError) -> String? {
        let descriptor: Int32
        do {
            descriptor = try Platform.openUntrustedForReading(path)
        } catch  where error.errno == ENOENT {
            return nil
        } catch  where error.errno == ELOOP {
            throw .notAFile(path: path, what: "a symbolic link")
        } catch {
            throw .readFailed(path: path, error: error)
        }
        return try readOpened(descriptor, path: path)
    }

    /// How many bytes the lab reads at most from one file of a run folder: 64 times the
    /// `tasks.csv` of the reference run, and far less than a folder's reader would want to
    /// hold in memory for a file it did not write.
    package static let fileSizeLimit = 256 << 20

    /// Reads a file opened by ``Platform/openUntrustedForReading(_:)``: only a plain file,
    /// and only up to ``fileSizeLimit``; closes the descriptor.
    private static func readOpened(_ descriptor: Int32, path: String) throws(RunFolderError) -> String {
        defer { Platform.close(descriptor) }
        do {
            let kind = try Platform.fileKind(descriptor)
            guard kind.isRegular else { throw RunFolderError.notAFile(path: path, what: "a FIFO, device or folder") }
            guard kind.size <= fileSizeLimit else { throw RunFolderError.tooLarge(path: path, bytes: kind.size) }
            guard let bytes = try Platform.readAll(descriptor, limit: fileSizeLimit) else {
                throw RunFolderError.tooLarge(path: path, bytes: fileSizeLimit + 1)
            }
            return String(decoding: bytes, as: UTF8.self)
        } catch let error as RunFolderError {
            throw error
        } catch let error as SystemError {
            throw .readFailed(path: path, error: error)
        } catch {
            throw .readFailed(path: path, error: SystemError(call: "read", errno: EIO))
        }
    }

    /// A data file's text: a missing file (or folder) is the user's mistake, a read error a
    /// failure of its own, never an early end of file.
    private func read(_ path: String) throws(RunFolderError) -> String {
        let descriptor: Int32
        do {
            descriptor = try Platform.openUntrustedForReading(path)
        } catch  where error.errno == ELOOP {
            throw .notAFile(path: path, what: "a symbolic link")
        } catch {
            // A missing folder is named as such, not as a missing file inside it.
            if (try? Platform.directoryEntries(self.path)) == nil { throw .noFolder(path: self.path) }
            throw .unreadable(path: path)
        }
        return try RunFolder.readOpened(descriptor, path: path)
    }

    /// Writes `run.json`.
    package func write(_ description: RunDescription) throws {
        try Platform.replaceFile(atPath: descriptionPath, with: Array(try description.json().utf8))
    }

    /// The run's tasks.csv and lanes.csv, or `nil` for a run without them (lab 0.3.0 or older).
    package func timelines() throws(RunFolderError) -> [RepetitionKey: RecordedTimeline]? {
        try readTimelines().timelines
    }

    /// ``timelines()``, and a note for each of tasks.csv and lanes.csv that was cut short in
    /// its last record (left out, as ``readRecords()`` does).
    package func readTimelines() throws(RunFolderError) -> (
        timelines: [RepetitionKey: RecordedTimeline]?, leftOut: [String]
    ) {
        var leftOut: [String] = []
        let timelines = try TimelineFiles.read(folder: path, leftOut: &leftOut)
        return (timelines, leftOut)
    }

    /// Everything `lab report` rebuilds from results.csv, run.json, tasks.csv and lanes.csv:
    /// the derived files' names and contents, and the cell summaries they all show (made once),
    /// from the data files alone.
    package func derivedFiles() throws(RunFolderError) -> DerivedFiles {
        let results = try read(resultsPath)
        let tasks = try RunFolder.readIfPresent(path + "/" + TimelineFiles.tasksName)
        let lanes = try RunFolder.readIfPresent(path + "/" + TimelineFiles.lanesName)
        return try derivedFiles(
            from: FolderTexts(results: results, description: try read(descriptionPath), tasks: tasks, lanes: lanes))
    }

    /// The timelines of the data files' texts, or `nil` when there are none.
    func derivedTimelines(
        from texts: FolderTexts, leftOut: inout [String]
    ) throws(RunFolderError) -> [RepetitionKey: RecordedTimeline]? {
        guard let tasks = texts.tasks, let lanes = texts.lanes else { return nil }
        return try TimelineFiles.parse(
            tasks: tasks, lanes: lanes, tasksPath: path + "/" + TimelineFiles.tasksName,
            lanesPath: path + "/" + TimelineFiles.lanesName,
            leftOut: &leftOut)
    }

    /// ``derivedFiles()`` of the data files' texts, as read (or as a fuzzer makes them): all
    /// of the checks, none of the reading.
    package func derivedFiles(from texts: FolderTexts) throws(RunFolderError) -> DerivedFiles {
        let (records, recordsLeftOut, _) = try parseResults(texts.results)
        var timelinesLeftOut: [String] = []
        let timelines = try derivedTimelines(from: texts, leftOut: &timelinesLeftOut)
        let summaries = CellSummary.summarize(records, timelines: timelines)
        let description = try parseDescription(texts.description)
        var timelineFiles: [(name: String, text: String)] = []
        var linked: [String: String] = [:]
        if let timelines {
            let cells = CellTimeline.medians(of: summaries, records: records, timelines: timelines)
            for group in CellSummary.byWorkload(summaries) {
                let keys = Set(group.map(\.cellKey))
                let panels = cells.filter { keys.contains($0.cell.cellKey) }
                guard !panels.isEmpty else { continue }
                var name = "\(RunFolder.timelinePrefix)\(group[0].workload).svg"
                var number = 2
                while timelineFiles.contains(where: { $0.name == name }) {
                    name = "\(RunFolder.timelinePrefix)\(group[0].workload)-\(number).svg"
                    number += 1
                }
                timelineFiles.append((name, TimelineChart().render(panels)))
                linked[group[0].workloadKey] = name
            }
            timelineFiles.append((TraceFile.name, TraceFile.render(records: records, timelines: timelines)))
        }
        let context = SpeedupStack.Context(description)
        let stacks = SpeedupStack.stacks(of: summaries, context: context)
        let stackChart = StackChart().render(stacks).map { [(RunFolder.stackSVGName, $0)] } ?? []
        return DerivedFiles(
            summaries: summaries, leftOut: recordsLeftOut + timelinesLeftOut,
            files: [
                (RunFolder.summaryName, SummaryColumn.csv(summaries)),
                (
                    RunFolder.stackName,
                    SpeedupStack.csv(stacks, predictions: StackPrediction.predictions(of: summaries, context: context))
                ),
                (RunFolder.chartName, AsciiChart().render(summaries)),
                (RunFolder.chartSVGName, SvgChart().render(summaries)),
                (
                    RunFolder.reportName,
                    MarkdownReport().render(description: description, summaries: summaries, timelineFiles: linked)
                ),
            ] + stackChart + timelineFiles)
    }

    /// Writes the derived files.
    package func write(_ derived: DerivedFiles) throws {
        for file in derived.files {
            // Names come from the folder's data; whatever the readers let through, a derived
            // file is written in the folder itself or not at all.
            guard !file.name.contains("/"), file.name != ".", file.name != "..", !file.name.isEmpty else {
                throw RunFolderError.invalidResults(
                    path: resultsPath, reason: "a derived file would be named '\(file.name.shownInMessage)'")
            }
            try Platform.replaceFile(atPath: path + "/" + file.name, with: Array(file.text.utf8))
        }
    }

    /// Rebuilds every derived file; reads everything first, so a bad input writes nothing.
    /// - Returns: what was written, with the summaries behind it.
    @discardableResult
    package func writeDerivedFiles() throws -> DerivedFiles {
        let derived = try derivedFiles()
        try write(derived)
        return derived
    }
}

/// The texts of a run folder's data files: `results.csv`, `run.json`, and `tasks.csv` with
/// `lanes.csv` (`nil` for a run of lab 0.3.0 or older, which has none).
package struct FolderTexts: Sendable {
    package var results: String
    package var description: String
    package var tasks: String?
    package var lanes: String?

    package init(results: String, description: String, tasks: String?, lanes: String?) {
        self.results = results
        self.description = description
        self.tasks = tasks
        self.lanes = lanes
    }
}

/// What a run folder's data files give: the summary of every cell, and the files made from it.
package struct DerivedFiles: Sendable {
    package let summaries: [CellSummary]
    /// What reading the data files left out: a note for each file cut short in its last record.
    package let leftOut: [String]
    /// `summary.csv`, `chart.txt`, `chart.svg` and `report.md`, by name and content.
    package let files: [(name: String, text: String)]

    /// The text of the file called `name`; empty if there is none.
    package func text(of name: String) -> String {
        files.first { $0.name == name }?.text ?? ""
    }
}
