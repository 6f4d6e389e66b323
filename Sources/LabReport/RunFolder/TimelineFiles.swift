import LabCore

/// `tasks.csv` and `lanes.csv`: the timelines of a run's measured repetitions.
///
/// tasks.csv has a row per span (one claim: a task, or with `--batch` a batch of consecutive
/// tasks), at most ``RepetitionTimeline/keptSpanLimit`` per repetition (the earliest of each
/// lane); lanes.csv a row per event. Times are seconds from the moment the repetition asked
/// for its pool, on the system-wide monotonic clock that workers read too.
package enum TimelineFiles {
    package static let tasksName = "tasks.csv"
    package static let lanesName = "lanes.csv"

    /// The columns that name a row's cell and repetition (`transport`: empty outside process mode).
    static let cellHeader = ["workload", "params", "tasks", "mode", "workers", "transport", "repetition"]
    /// The same in lab 0.4.0's files, which had no transport (their processes used pipes).
    static let cellHeaderWithoutTransport = cellHeader.filter { $0 != "transport" }
    static let spanColumns = [
        "lane", "first_task", "task_count", "claimed_s", "sent_s", "started_s", "ended_s", "received_s", "work_s",
        "bytes_in", "bytes_out",
    ]
    static let eventColumns = ["lane", "event", "at_s", "pid", "spans"]
    /// The last column (0.7.0): `map` for workers that mapped the dataset, else empty; a
    /// cell's column, written last so that older readers' positions hold.
    static let laterCellColumns = ["dataset", "start"]
    package static let tasksHeader = cellHeader + spanColumns + laterCellColumns
    package static let lanesHeader = cellHeader + eventColumns + laterCellColumns

    static func cellFields(_ record: RepetitionRecord) -> [String] {
        [
            record.workload, record.parameters, String(record.tasks), record.mode.rawValue, String(record.workers),
            record.transport?.rawValue ?? "", String(record.repetition),
        ]
    }

    static func seconds(_ value: Double) -> String { NumberFormatting.fixed(value, decimals: 9) }

    /// The rows of one repetition, for each file.
    package static func rows(of timeline: RecordedTimeline, record: RepetitionRecord) -> (tasks: String, lanes: String)
    {
        let cell = cellFields(record)
        let dataset = record.dataset?.rawValue ?? ""
        let start = record.start?.rawValue ?? ""
        var tasks = ""
        for span in timeline.spans {
            tasks += CSV.record(
                cell + [
                    String(span.lane), String(span.firstTask), String(span.taskCount), seconds(span.claimed),
                    seconds(span.sent),
                    seconds(span.started), seconds(span.ended), seconds(span.received), seconds(span.work),
                    String(span.bytesIn),
                    String(span.bytesOut), dataset, start,
                ])
        }
        var lanes = ""
        for event in timeline.events {
            lanes += CSV.record(
                cell + [
                    event.lane.map(String.init) ?? "", event.event, seconds(event.at),
                    event.processID.map { String($0) } ?? "",
                    event.spans.map(String.init) ?? "", dataset, start,
                ])
        }
        return (tasks, lanes)
    }

    /// Reads both files of a run folder. A folder without them (a run by lab 0.3.0 or older)
    /// gives `nil`. Adds to `leftOut` a note for each file whose last record was left out because the file
    /// was cut short in it.
    static func read(
        folder: String, leftOut: inout [String]
    ) throws(RunFolderError) -> [RepetitionKey: RecordedTimeline]? {
        let tasksPath = folder + "/" + tasksName
        let lanesPath = folder + "/" + lanesName
        guard let tasksText = try RunFolder.readIfPresent(tasksPath),
            let lanesText = try RunFolder.readIfPresent(lanesPath)
        else { return nil }
        return try parse(
            tasks: tasksText, lanes: lanesText, tasksPath: tasksPath, lanesPath: lanesPath, leftOut: &leftOut)
    }

    /// Reads the text of both files. Every number is checked against its row's cell, as a
    /// folder may come from anyone: a lane is one of the cell's workers, a span's tasks lie
    /// within the cell's tasks, counts are not negative and times are finite.
    static func parse(
        tasks tasksText: String, lanes lanesText: String, tasksPath: String, lanesPath: String, leftOut: inout [String]
    ) throws(RunFolderError) -> [RepetitionKey: RecordedTimeline] {
        var timelines: [RepetitionKey: RecordedTimeline] = [:]
        try parse(tasksText, path: tasksPath, columns: spanColumns, leftOut: &leftOut) {
            (row, record, fields) throws(RunFolderError) in
            func invalid(_ index: Int, _ expected: String) -> RunFolderError {
                .invalidResults(
                    path: tasksPath,
                    reason:
                        "record \(record): invalid \(spanColumns[index]) '\(fields[index].shownInMessage)'; expected "
                        + "\(expected)"
                )
            }
            func count(_ index: Int, _ range: ClosedRange<Int>) throws(RunFolderError) -> Int {
                guard let value = Int(fields[index]), range.contains(value) else {
                    throw invalid(index, "a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return value
            }
            func seconds(_ index: Int) throws(RunFolderError) -> Double {
                guard let value = Double(fields[index]), value.isFinite else {
                    throw invalid(index, "a finite number of seconds")
                }
                return value
            }
            let tasks = row.tasks
            let firstTask = try count(1, 0...(tasks - 1))
            let span = SpanRow(
                lane: try count(0, 0...(row.workers - 1)), firstTask: firstTask,
                taskCount: try count(2, 1...(tasks - firstTask)),
                claimed: try seconds(3), sent: try seconds(4), started: try seconds(5), ended: try seconds(6),
                received: try seconds(7),
                work: try seconds(8), bytesIn: try count(9, 0...Int.max), bytesOut: try count(10, 0...Int.max))
            timelines[row.key, default: RecordedTimeline()].spans.append(span)
        }
        try parse(lanesText, path: lanesPath, columns: eventColumns, leftOut: &leftOut) {
            (row, record, fields) throws(RunFolderError) in
            let lane = fields[0].isEmpty ? nil : Int(fields[0])
            let pid = fields[3].isEmpty ? nil : Int32(fields[3])
            let spans = fields[4].isEmpty ? nil : Int(fields[4])
            guard let at = Double(fields[2]), at.isFinite,
                fields[0].isEmpty || lane.map({ (0..<row.workers).contains($0) }) == true,
                fields[3].isEmpty || pid.map({ $0 > 0 }) == true, fields[4].isEmpty || spans.map({ $0 >= 0 }) == true
            else {
                throw .invalidResults(
                    path: lanesPath,
                    reason:
                        "record \(record): invalid lane, at_s, pid or spans in "
                        + "'\(fields.joined(separator: ",").shownInMessage)'; expected a lane from 0 to "
                        + "\(row.workers - 1), finite seconds, a positive pid and a count"
                )
            }
            timelines[row.key, default: RecordedTimeline()].events.append(
                EventRow(lane: lane, event: fields[1], at: at, processID: pid, spans: spans))
        }
        return timelines
    }

    /// Parses a file whose rows are the cell columns then `columns`; a file of lab 0.4.0
    /// (no transport column) reads too. The torn last record of a file cut short (no final line
    /// ending) is left out and named in `leftOut`; any malformed record before it is an error.
    /// The records are read one at a time (``CSV/forEachRecord(_:_:)``), each handed to `row`
    /// as it is read: a file of 100,000 spans is never held as 100,000 rows of strings.
    private static func parse(
        _ text: String, path: String, columns: [String], leftOut: inout [String],
        row: (KeyedRow, Int, [String]) throws(RunFolderError) -> Void
    ) throws(RunFolderError) {
        var layout: Layout?
        var number = 0
        var failure: RunFolderError?
        let cutShort: Bool
        do {
            cutShort = try CSV.forEachRecord(text) { fields in
                number += 1
                do throws(RunFolderError) {
                    guard let known = layout else {
                        layout = try Layout(header: fields, path: path, columns: columns)
                        return true
                    }
                    let keyed = try known.keyed(fields, record: number, path: path)
                    try row(keyed, number, Array(fields[(known.repetitionField + 1)...]))
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
        } catch {
            throw .invalidResults(path: path, reason: "\(error)")
        }
        if let failure { throw failure }
        if layout == nil { _ = try Layout(header: [], path: path, columns: columns) }
        if cutShort { leftOut.append(RunFolder.leftOutNote(path: path, record: number + 1)) }
    }

    /// The columns of a file, as its header says (files of lab 0.4.0 to this one differ).
    struct Layout {
        let width: Int
        let repetitionField: Int
        let hasTransport: Bool
        let hasDataset: Bool

        init(header: [String], path: String, columns: [String]) throws(RunFolderError) {
            let expected = cellHeader + columns
            // Lab 0.7.0's files end with the dataset; 0.5.0's and 0.6.0's do not; 0.4.0's have no transport.
            hasDataset = header == expected + laterCellColumns
            hasTransport = hasDataset || header == expected
            guard hasTransport || header == cellHeaderWithoutTransport + columns else {
                throw .invalidResults(
                    path: path, reason: "expected the columns \((expected + laterCellColumns).joined(separator: ", "))")
            }
            width = (hasTransport ? expected.count : expected.count - 1) + (hasDataset ? laterCellColumns.count : 0)
            repetitionField = hasTransport ? 6 : 5
        }

        /// Record `record` (from 1, the header's) with the repetition it belongs to.
        func keyed(_ fields: [String], record: Int, path: String) throws(RunFolderError) -> KeyedRow {
            let transportText = hasTransport && fields.count == width ? fields[5] : ""
            let datasetText = hasDataset && fields.count == width ? fields[width - 2] : ""
            let startText = hasDataset && fields.count == width ? fields[width - 1] : ""
            guard fields.count == width, WorkloadName.isValid(fields[0]), let tasks = Int(fields[2]),
                (1...RunFolder.countLimit).contains(tasks),
                let mode = ExecutionMode(rawValue: fields[3]), let workers = Int(fields[4]),
                (1...RunFolder.countLimit).contains(workers),
                let repetition = Int(fields[repetitionField]), (0...RunFolder.countLimit).contains(repetition),
                transportText.isEmpty || Transport(rawValue: transportText) != nil,
                datasetText.isEmpty || DatasetPlacement(rawValue: datasetText) != nil,
                startText.isEmpty || WorkerStart(rawValue: startText) != nil
            else {
                let name =
                    fields.first.map {
                        WorkloadName.isValid($0)
                            ? ""
                            : " (workload name '\($0.shownInMessage)' breaks the rule for names: \(WorkloadName.rule))"
                    } ?? ""
                throw .invalidResults(path: path, reason: "record \(record) is not a valid row\(name)")
            }
            let key = RepetitionKey(
                cellKey: RepetitionRecord.cellKey(
                    workload: fields[0], parameters: fields[1], tasks: tasks, mode: mode, workers: workers,
                    transport: Transport(rawValue: transportText) ?? (mode == .processes ? .default : nil),
                    dataset: DatasetPlacement(rawValue: datasetText), start: WorkerStart(rawValue: startText)),
                repetition: repetition)
            // The dataset and start stay the last fields, after the columns a reader takes by position.
            return KeyedRow(key: key, tasks: tasks, workers: workers, fields: fields)
        }
    }

    /// A row of either file with the repetition it belongs to, and its cell's counts.
    struct KeyedRow {
        var key: RepetitionKey
        var tasks: Int
        var workers: Int
        var fields: [String]
    }

    /// The whole rows of a file, each with the repetition it belongs to.
    private static func keyedRows(
        _ text: String, path: String, columns: [String]
    ) throws(RunFolderError) -> (table: CSV.Table, repetitionField: Int, rows: [KeyedRow]) {
        let table: CSV.Table
        do {
            table = try CSV.parseTable(text)
        } catch {
            throw .invalidResults(path: path, reason: "\(error)")
        }
        let layout = try Layout(header: table.records.first ?? [], path: path, columns: columns)
        var keyed: [KeyedRow] = []
        for (offset, fields) in table.records.dropFirst().enumerated() {
            keyed.append(try layout.keyed(fields, record: offset + 2, path: path))
        }
        return (table, layout.repetitionField, keyed)
    }

    /// Before a run resumes into `folder`: keeps in tasks.csv and lanes.csv only the rows of
    /// the repetitions in `kept` (those results.csv holds), rewriting a file that has others
    /// (a repetition interrupted between its timeline and its result) or a torn last record.
    /// - Returns: for each file, how many bytes of whole rows it now holds.
    static func keepOnly(_ kept: Set<RepetitionKey>, folder: String) throws(RunFolderError) -> (tasks: Int, lanes: Int)
    {
        func keep(_ name: String, columns: [String]) throws(RunFolderError) -> Int {
            let path = folder + "/" + name
            let text = try RunFolder.readIfPresent(path) ?? ""
            guard !text.isEmpty else {
                // A run stopped before the file had its header: the file starts again.
                let header = CSV.record(cellHeader + columns)
                do {
                    try Platform.replaceFile(atPath: path, with: Array(header.utf8))
                } catch {
                    throw .readFailed(path: path, error: error)
                }
                return header.utf8.count
            }
            let file = try keyedRows(text, path: path, columns: columns)
            let rows = file.rows.filter { kept.contains($0.key) }
            guard rows.count < file.rows.count else { return file.table.wholeLength }
            let rewritten = CSV.record(file.table.records[0]) + rows.map { CSV.record($0.fields) }.joined()
            do {
                try Platform.replaceFile(atPath: path, with: Array(rewritten.utf8))
            } catch {
                throw .readFailed(path: path, error: error)
            }
            return rewritten.utf8.count
        }
        return (try keep(tasksName, columns: spanColumns), try keep(lanesName, columns: eventColumns))
    }
}
