import LabCore
import Synchronization

/// Appends records to a new `results.csv`, one whole row per `write`, as each repetition
/// finishes: an interrupted run keeps every row it measured, and never half a row.
package final class ResultsFileWriter: Sendable {
    private let file: SealableCSVFile

    /// Creates the file (it must not exist yet) and writes the header.
    package init(path: String) throws(SystemError) {
        file = try SealableCSVFile(path: path, header: ResultColumn.header)
    }

    /// Appends to the `results.csv` of a run that resumes, after its whole rows (the first
    /// `wholeLength` bytes); a torn last record is cut off first.
    package init(appendingTo path: String, wholeLength: Int) throws(SystemError) {
        file = try SealableCSVFile(appendingTo: path, wholeLength: wholeLength)
    }

    /// Appends one record; after ``seal()`` it does nothing.
    package func append(_ record: RepetitionRecord) throws(SystemError) {
        try file.append(CSV.record(ResultColumn.fields(of: record)))
    }

    /// Flushes the rows written so far to the device.
    package func synchronize() throws(SystemError) {
        try file.synchronize()
    }

    /// Waits for an append in progress, then refuses all later ones; flushes the rows.
    package func seal() {
        file.seal()
    }
}

/// Reads the records of a `results.csv` back; columns are found by header name, so files
/// with extra columns still read.
package enum ResultsFileReader {
    /// A count read from a folder: a whole number from `lowest` to ``RunFolder/countLimit``.
    static func count(_ text: String, from lowest: Int = 0) -> Int? {
        Int(text).flatMap { (lowest...RunFolder.countLimit).contains($0) ? $0 : nil }
    }

    /// A figure read from a folder: a finite number (`nan` and `inf` read as numbers in Swift).
    static func finite(_ text: String) -> Double? {
        Double(text).flatMap { $0.isFinite ? $0 : nil }
    }

    package static func records(fromCSV text: String) throws(ResultsFileError) -> [RepetitionRecord] {
        try read(fromCSV: text).records
    }

    /// The records, and which record was left out because the file was cut short in it (a
    /// full disk, a crash): the last one of a file that does not end with a line ending. Any
    /// malformed record before it is an error. `wholeLength`: the bytes of the whole records.
    package static func read(
        fromCSV text: String
    ) throws(ResultsFileError) -> (records: [RepetitionRecord], leftOut: Int?, wholeLength: Int) {
        let table: CSV.Table
        do {
            table = try CSV.parseTable(text)
        } catch {
            throw .csv(error)
        }
        let rows = table.records
        // The torn record of a file cut short is not among the rows: it was the next one.
        let leftOut = table.cutShort ? rows.count + 1 : nil
        guard let header = rows.first else { throw .missingHeader }
        var position: [ResultColumn: Int] = [:]
        // Columns an older lab wrote under their former names (``ResultColumn/formerName``).
        var underFormerName: Set<ResultColumn> = []
        for column in ResultColumn.allCases {
            if let index = header.firstIndex(of: column.rawValue) {
                position[column] = index
            } else if let former = column.formerName, let index = header.firstIndex(of: former) {
                position[column] = index
                underFormerName.insert(column)
            } else if !ResultColumn.newerColumns.contains(column) {
                throw .missingColumn(column.rawValue)
            }
        }
        var records: [RepetitionRecord] = []
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            guard row.count == header.count else {
                throw .wrongFieldCount(line: line, found: row.count, expected: header.count)
            }
            func field(_ column: ResultColumn) -> String { position[column].map { row[$0] } ?? "" }
            func parsed<T>(_ column: ResultColumn, _ parse: (String) -> T?) throws(ResultsFileError) -> T {
                guard let value = parse(field(column)) else {
                    throw .invalidField(line: line, column: column.rawValue, value: field(column))
                }
                return value
            }
            // An empty field is a figure that was not measured.
            func optional<T>(_ column: ResultColumn, _ parse: (String) -> T?) throws(ResultsFileError) -> T? {
                field(column).isEmpty ? nil : try parsed(column, parse)
            }
            let mode = try parsed(.mode, ExecutionMode.init(rawValue:))
            // A row's counters (0.6.0); each group (lanes, memory, hardware, interference) is
            // there whole or not at all, and no count is negative.
            func counters() throws(ResultsFileError) -> RepetitionCounters {
                func integer(_ column: ResultColumn) throws(ResultsFileError) -> Int? {
                    try optional(column) { ResultsFileReader.count($0) }
                }
                func seconds(_ column: ResultColumn) throws(ResultsFileError) -> Double? {
                    try optional(column) { ResultsFileReader.finite($0) }
                }
                let workersVoluntary = try integer(.workersVoluntaryContextSwitches)
                let workersInvoluntary = try integer(.workersInvoluntaryContextSwitches)
                // Before 0.9.0 a row's `voluntary_ctx` was the coordinator's plus the workers':
                // the coordinator's is that less the workers' column, unknown in a process row
                // without one (before 0.6.0, or a worker sent no report).
                func coordinatorSwitches(
                    _ column: ResultColumn, workers: Int?
                ) throws(ResultsFileError) -> Int? {
                    guard let value = try integer(column) else { return nil }
                    guard underFormerName.contains(column) else { return value }
                    guard let workers else { return mode == .processes ? nil : value }
                    guard workers <= value else {
                        throw .invalidField(line: line, column: column.rawValue, value: field(column))
                    }
                    return value - workers
                }
                var counters = RepetitionCounters(
                    coordinatorMinorFaults: try integer(.coordinatorMinorFaults),
                    coordinatorMajorFaults: try integer(.coordinatorMajorFaults),
                    coordinatorVoluntaryContextSwitches: try coordinatorSwitches(
                        .coordinatorVoluntaryContextSwitches, workers: workersVoluntary),
                    coordinatorInvoluntaryContextSwitches: try coordinatorSwitches(
                        .coordinatorInvoluntaryContextSwitches, workers: workersInvoluntary),
                    workersMinorFaults: try integer(.workersMinorFaults),
                    workersMajorFaults: try integer(.workersMajorFaults),
                    workersVoluntaryContextSwitches: workersVoluntary,
                    workersInvoluntaryContextSwitches: workersInvoluntary)
                if let running = try seconds(.lanesRunningSeconds), let waiting = try seconds(.lanesWaitingSeconds),
                    let migrations = try integer(.lanesMigrations)
                {
                    counters.lanes = SchedulerCounters(
                        runningSeconds: running, waitingSeconds: waiting, migrations: migrations)
                }
                if let resident = try integer(.workersResidentKiB),
                    let proportional = try integer(.workersProportionalKiB),
                    let unique = try integer(.workersUniqueKiB)
                {
                    counters.workersMemory = MemoryFootprint(
                        residentKiB: resident, proportionalKiB: proportional, uniqueKiB: unique)
                }
                if let cycles = try optional(.allCycles, { UInt64($0) }),
                    let instructions = try optional(.allInstructions, { UInt64($0) }),
                    let misses = try optional(.allCacheMisses, { UInt64($0) })
                {
                    counters.hardware = HardwareCounts(cycles: cycles, instructions: instructions, cacheMisses: misses)
                }
                let disturbed = try optional(.disturbed) { $0 == "1" ? true : $0 == "0" ? false : nil }
                if let others = try seconds(.othersCPUSeconds), let steal = try seconds(.stealSeconds), let disturbed {
                    // A ratio of two positive times: a value that is not is a damaged field.
                    let together = try optional(.lanesTogether) { text in
                        ResultsFileReader.finite(text).flatMap { $0 > 0 ? $0 : nil }
                    }
                    counters.interference = Interference(
                        othersCPUSeconds: others, stealSeconds: steal,
                        pressureSeconds: try seconds(.cpuPressureSeconds), lanesTogether: together,
                        disturbed: disturbed)
                }
                counters.coordinatorPeakThreads = try integer(.coordinatorPeakThreads)
                return counters
            }
            // The breakdown is all there or not at all.
            let parts = try ResultColumn.breakdownColumns.map { column throws(ResultsFileError) in
                try optional(column) { ResultsFileReader.finite($0) }
            }
            let breakdown: TimeBreakdown? =
                parts.contains(nil)
                ? nil
                : TimeBreakdown(
                    startupSeconds: try parsed(.startupSeconds) { ResultsFileReader.finite($0) },
                    workSeconds: parts[0]!, exchangeSeconds: parts[1]!,
                    idleSeconds: parts[2]!, teardownSeconds: parts[3]!, residualSeconds: parts[4]!)
            guard WorkloadName.isValid(field(.workload)) else {
                throw .invalidWorkloadName(line: line, value: field(.workload))
            }
            records.append(
                RepetitionRecord(
                    runID: field(.runID), workload: field(.workload),
                    kind: try parsed(.kind, WorkloadKind.init(rawValue:)),
                    parameters: field(.parameters), mode: mode,
                    workers: try parsed(.workers) { ResultsFileReader.count($0, from: 1) },
                    tasks: try parsed(.tasks) { ResultsFileReader.count($0, from: 1) },
                    repetition: try parsed(.repetition) { ResultsFileReader.count($0) },
                    wallSeconds: try parsed(.wallSeconds) { ResultsFileReader.finite($0) },
                    startupSeconds: try parsed(.startupSeconds) { ResultsFileReader.finite($0) },
                    tasksPerSecond: try parsed(.tasksPerSecond) { ResultsFileReader.finite($0) },
                    checksum: try optional(.checksum) { $0.count == 16 ? UInt64($0, radix: 16) : nil },
                    status: try parsed(.status, RepetitionStatus.init(rawValue:)),
                    error: field(.error).isEmpty ? nil : field(.error),
                    coordinatorUserSeconds: try parsed(.coordinatorUserSeconds) { ResultsFileReader.finite($0) },
                    coordinatorSystemSeconds: try parsed(.coordinatorSystemSeconds) { ResultsFileReader.finite($0) },
                    workersUserSeconds: try optional(.workersUserSeconds) { ResultsFileReader.finite($0) },
                    workersSystemSeconds: try optional(.workersSystemSeconds) { ResultsFileReader.finite($0) },
                    coordinatorMaxResidentKiB: try optional(.coordinatorMaxResidentKiB) { ResultsFileReader.count($0) },
                    workersMaxResidentKiB: try optional(.workersMaxResidentKiB) { ResultsFileReader.count($0) },
                    bytesToWorkers: try parsed(.bytesToWorkers) { ResultsFileReader.count($0) },
                    bytesFromWorkers: try parsed(.bytesFromWorkers) { ResultsFileReader.count($0) },
                    startSeconds: try parsed(.startSeconds) { ResultsFileReader.finite($0) },
                    position: try parsed(.position) { ResultsFileReader.count($0) },
                    breakdown: breakdown, placement: try optional(.placement, CorePlacement.init(rawValue:)) ?? .none,
                    transport: try optional(.transport, Transport.init(rawValue:)),
                    units: try optional(.units) { UInt64($0) },
                    variant: field(.variant), dataset: try optional(.dataset, DatasetPlacement.init(rawValue:)),
                    datasetBytes: try optional(.datasetBytes) { ResultsFileReader.count($0) },
                    start: try optional(.start, WorkerStart.init(rawValue:)),
                    counters: try counters()))
        }
        return (records, leftOut, table.wholeLength)
    }
}
