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
        "lane", "first_task", "task_count", "claimed_s", "sent_s", "started_s", "ended_s", "received_s", "work_s", "bytes_in", "bytes_out",
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
    package static func rows(of timeline: RecordedTimeline, record: RepetitionRecord) -> (tasks: String, lanes: String) {
        let cell = cellFields(record)
        let dataset = record.dataset?.rawValue ?? ""
        let start = record.start?.rawValue ?? ""
        var tasks = ""
        for span in timeline.spans {
            tasks += CSV.record(
                cell + [
                    String(span.lane), String(span.firstTask), String(span.taskCount), seconds(span.claimed), seconds(span.sent),
                    seconds(span.started), seconds(span.ended), seconds(span.received), seconds(span.work), String(span.bytesIn),
                    String(span.bytesOut), dataset, start,
                ])
        }
        var lanes = ""
        for event in timeline.events {
            lanes += CSV.record(
                cell + [
                    event.lane.map(String.init) ?? "", event.event, seconds(event.at), event.processID.map { String($0) } ?? "",
                    event.spans.map(String.init) ?? "", dataset, start,
                ])
        }
        return (tasks, lanes)
    }

    /// Reads both files of a run folder. A folder without them (a run by lab 0.3.0 or older)
    /// gives `nil`. Adds to `leftOut` a note for each file whose last record was left out because the file
    /// was cut short in it.
    static func read(folder: String, leftOut: inout [String]) throws(RunFolderError) -> [RepetitionKey: RecordedTimeline]? {
        let tasksPath = folder + "/" + tasksName
        let lanesPath = folder + "/" + lanesName
        guard let tasksText = try RunFolder.readIfPresent(tasksPath), let lanesText = try RunFolder.readIfPresent(lanesPath) else { return nil }
        var timelines: [RepetitionKey: RecordedTimeline] = [:]
        try parse(tasksText, path: tasksPath, columns: spanColumns, leftOut: &leftOut) { (key, fields) throws(RunFolderError) in
            func number<T: LosslessStringConvertible>(_ index: Int) throws(RunFolderError) -> T {
                guard let value = T(fields[index]) else {
                    throw .invalidResults(path: tasksPath, reason: "invalid \(spanColumns[index]) '\(fields[index])'")
                }
                return value
            }
            let span = SpanRow(
                lane: try number(0), firstTask: try number(1), taskCount: try number(2), claimed: try number(3), sent: try number(4),
                started: try number(5), ended: try number(6), received: try number(7), work: try number(8), bytesIn: try number(9),
                bytesOut: try number(10))
            timelines[key, default: RecordedTimeline()].spans.append(span)
        }
        try parse(lanesText, path: lanesPath, columns: eventColumns, leftOut: &leftOut) { (key, fields) throws(RunFolderError) in
            guard let at = Double(fields[2]) else { throw .invalidResults(path: lanesPath, reason: "invalid at_s '\(fields[2])'") }
            let lane = fields[0].isEmpty ? nil : Int(fields[0])
            let pid = fields[3].isEmpty ? nil : Int32(fields[3])
            let spans = fields[4].isEmpty ? nil : Int(fields[4])
            guard fields[0].isEmpty || lane != nil, fields[3].isEmpty || pid != nil, fields[4].isEmpty || spans != nil else {
                throw .invalidResults(path: lanesPath, reason: "invalid lane, pid or spans in '\(fields.joined(separator: ","))'")
            }
            timelines[key, default: RecordedTimeline()].events.append(EventRow(lane: lane, event: fields[1], at: at, processID: pid, spans: spans))
        }
        return timelines
    }

    /// Parses a file whose rows are the cell columns then `columns`; a file of lab 0.4.0
    /// (no transport column) reads too. The torn last record of a file cut short (no final line
    /// ending) is left out and named in `leftOut`; any malformed record before it is an error.
    private static func parse(
        _ text: String, path: String, columns: [String], leftOut: inout [String], row: (RepetitionKey, [String]) throws(RunFolderError) -> Void
    ) throws(RunFolderError) {
        let file = try keyedRows(text, path: path, columns: columns)
        if file.table.cutShort { leftOut.append(RunFolder.leftOutNote(path: path, record: file.table.records.count + 1)) }
        for (key, fields) in file.rows {
            try row(key, Array(fields[(file.repetitionField + 1)...]))
        }
    }

    /// The whole rows of a file, each with the repetition it belongs to.
    private static func keyedRows(
        _ text: String, path: String, columns: [String]
    ) throws(RunFolderError) -> (table: CSV.Table, repetitionField: Int, rows: [(key: RepetitionKey, fields: [String])]) {
        let header = cellHeader + columns
        let table: CSV.Table
        do {
            table = try CSV.parseTable(text)
        } catch {
            throw .invalidResults(path: path, reason: "\(error)")
        }
        let rows = table.records
        // Lab 0.7.0's files end with the dataset; 0.5.0's and 0.6.0's do not; 0.4.0's have no transport.
        let hasDataset = rows.first == header + laterCellColumns
        let hasTransport = hasDataset || rows.first == header
        guard hasTransport || rows.first == cellHeaderWithoutTransport + columns else {
            throw .invalidResults(path: path, reason: "expected the columns \((header + laterCellColumns).joined(separator: ", "))")
        }
        let width = (hasTransport ? header.count : header.count - 1) + (hasDataset ? laterCellColumns.count : 0)
        let repetitionField = hasTransport ? 6 : 5
        var keyed: [(key: RepetitionKey, fields: [String])] = []
        for (offset, fields) in rows.dropFirst().enumerated() {
            let transportText = hasTransport && fields.count == width ? fields[5] : ""
            let datasetText = hasDataset && fields.count == width ? fields[width - 2] : ""
            let startText = hasDataset && fields.count == width ? fields[width - 1] : ""
            guard fields.count == width, let tasks = Int(fields[2]), let mode = ExecutionMode(rawValue: fields[3]),
                let workers = Int(fields[4]), let repetition = Int(fields[repetitionField]),
                transportText.isEmpty || Transport(rawValue: transportText) != nil,
                datasetText.isEmpty || DatasetPlacement(rawValue: datasetText) != nil,
                startText.isEmpty || WorkerStart(rawValue: startText) != nil
            else {
                throw .invalidResults(path: path, reason: "record \(offset + 2) is not a valid row")
            }
            let key = RepetitionKey(
                cellKey: RepetitionRecord.cellKey(
                    workload: fields[0], parameters: fields[1], tasks: tasks, mode: mode, workers: workers,
                    transport: Transport(rawValue: transportText) ?? (mode == .processes ? .default : nil),
                    dataset: DatasetPlacement(rawValue: datasetText), start: WorkerStart(rawValue: startText)),
                repetition: repetition)
            // The dataset and start stay the last fields, after the columns a reader takes by position.
            keyed.append((key, fields))
        }
        return (table, repetitionField, keyed)
    }

    /// Before a run resumes into `folder`: keeps in tasks.csv and lanes.csv only the rows of
    /// the repetitions in `kept` (those results.csv holds), rewriting a file that has others
    /// (a repetition interrupted between its timeline and its result) or a torn last record.
    /// - Returns: for each file, how many bytes of whole rows it now holds.
    static func keepOnly(_ kept: Set<RepetitionKey>, folder: String) throws(RunFolderError) -> (tasks: Int, lanes: Int) {
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
