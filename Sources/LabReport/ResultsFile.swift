import LabCore
import Synchronization

/// Why a `results.csv` cannot be read back.
public enum ResultsFileError: Error, ExitStatusCarrying, CustomStringConvertible, Equatable, Sendable {
    /// A results file that does not parse is bad input.
    public var exitStatus: ExitStatus { .badInput }

    case csv(CSV.ParseError)
    case missingHeader
    case missingColumn(String)
    case wrongFieldCount(line: Int, found: Int, expected: Int)
    case invalidField(line: Int, column: String, value: String)

    public var description: String {
        switch self {
        case .csv(let error): "\(error)"
        case .missingHeader: "no header row; expected columns: \(ResultColumn.header.joined(separator: ", "))"
        case .missingColumn(let name): "missing column '\(name)'; expected columns: \(ResultColumn.header.joined(separator: ", "))"
        case .wrongFieldCount(let line, let found, let expected): "record \(line) has \(found) fields; expected \(expected)"
        case .invalidField(let line, let column, let value): "record \(line): invalid \(column) '\(value)'"
        }
    }
}

/// A new CSV file that takes whole rows until it is sealed. Appends hold the lock while they
/// write; ``seal()`` takes it and ends all appends, so an interrupt can read the file knowing
/// that no row is half-written. A write that fails partway (a full disk) is taken back to the
/// last whole row, and the file seals itself: it never ends in half a row.
final class SealableCSVFile: Sendable {
    private let descriptor: Int32
    /// Whether appends are over, and how many bytes of whole rows the file holds.
    private let state: Mutex<(sealed: Bool, length: Int)>

    /// Creates the file (it must not exist yet) and writes the header.
    init(path: String, header: [String]) throws(SystemError) {
        descriptor = try Platform.createFile(atPath: path)
        let bytes = Array(CSV.record(header).utf8)
        do {
            try Platform.writeAll(descriptor, bytes)
        } catch {
            Platform.close(descriptor)
            Platform.removeFile(atPath: path)
            throw error
        }
        state = Mutex((false, bytes.count))
    }

    /// Opens an existing file to append to it after its first `wholeLength` bytes (its whole
    /// rows, as ``CSV/Table/wholeLength`` counts them); a torn record past them is cut off.
    init(appendingTo path: String, wholeLength: Int) throws(SystemError) {
        descriptor = try Platform.openForAppending(atPath: path)
        do {
            try Platform.truncate(descriptor, toLength: wholeLength)
        } catch {
            Platform.close(descriptor)
            throw error
        }
        state = Mutex((false, wholeLength))
    }

    /// Appends `rows` (whole CSV records) in one write; after ``seal()`` it does nothing.
    /// - Throws: the write's ``SystemError``, after cutting the file back to its last whole row.
    func append(_ rows: String) throws(SystemError) {
        let bytes = Array(rows.utf8)
        let result = state.withLock { state -> Result<Void, SystemError> in
            guard !state.sealed else { return .success(()) }
            do throws(SystemError) {
                try Platform.writeAll(descriptor, bytes)
                state.length += bytes.count
                return .success(())
            } catch {
                // Part of the rows may be on disk: take them back, and take no more.
                state.sealed = true
                try? Platform.truncate(descriptor, toLength: state.length)
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Waits for an append in progress, then refuses all later ones.
    func seal() {
        state.withLock { $0.sealed = true }
    }

    deinit {
        Platform.close(descriptor)
    }
}

/// Appends records to a new `results.csv`, one whole row per `write`, as each repetition
/// finishes: an interrupted run keeps every row it measured, and never half a row.
public final class ResultsFileWriter: Sendable {
    private let file: SealableCSVFile

    /// Creates the file (it must not exist yet) and writes the header.
    public init(path: String) throws(SystemError) {
        file = try SealableCSVFile(path: path, header: ResultColumn.header)
    }

    /// Appends to the `results.csv` of a run that resumes, after its whole rows (the first
    /// `wholeLength` bytes); a torn last record is cut off first.
    public init(appendingTo path: String, wholeLength: Int) throws(SystemError) {
        file = try SealableCSVFile(appendingTo: path, wholeLength: wholeLength)
    }

    /// Appends one record; after ``seal()`` it does nothing.
    public func append(_ record: RepetitionRecord) throws(SystemError) {
        try file.append(CSV.record(ResultColumn.fields(of: record)))
    }

    /// Waits for an append in progress, then refuses all later ones.
    public func seal() {
        file.seal()
    }
}

/// Reads the records of a `results.csv` back; columns are found by header name, so files
/// with extra columns still read.
public enum ResultsFileReader {
    public static func records(fromCSV text: String) throws(ResultsFileError) -> [RepetitionRecord] {
        try read(fromCSV: text).records
    }

    /// The records, and which record was left out because the file was cut short in it (a
    /// full disk, a crash): the last one of a file that does not end with a line ending. Any
    /// malformed record before it is an error. `wholeLength`: the bytes of the whole records.
    public static func read(fromCSV text: String) throws(ResultsFileError) -> (records: [RepetitionRecord], leftOut: Int?, wholeLength: Int) {
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
        for column in ResultColumn.allCases {
            guard let index = header.firstIndex(of: column.rawValue) else {
                if ResultColumn.newerColumns.contains(column) { continue }
                throw .missingColumn(column.rawValue)
            }
            position[column] = index
        }
        var records: [RepetitionRecord] = []
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            guard row.count == header.count else { throw .wrongFieldCount(line: line, found: row.count, expected: header.count) }
            func field(_ column: ResultColumn) -> String { position[column].map { row[$0] } ?? "" }
            func parsed<T>(_ column: ResultColumn, _ parse: (String) -> T?) throws(ResultsFileError) -> T {
                guard let value = parse(field(column)) else { throw .invalidField(line: line, column: column.rawValue, value: field(column)) }
                return value
            }
            // An empty field is a figure that was not measured.
            func optional<T>(_ column: ResultColumn, _ parse: (String) -> T?) throws(ResultsFileError) -> T? {
                field(column).isEmpty ? nil : try parsed(column, parse)
            }
            // A row's counters (0.6.0); each group (lanes, memory, hardware, interference) is
            // there whole or not at all, and no count is negative.
            func counters() throws(ResultsFileError) -> RepetitionCounters {
                func integer(_ column: ResultColumn) throws(ResultsFileError) -> Int? { try optional(column) { Int($0).flatMap { $0 >= 0 ? $0 : nil } } }
                func seconds(_ column: ResultColumn) throws(ResultsFileError) -> Double? { try optional(column) { Double($0) } }
                var counters = RepetitionCounters(
                    minorFaults: try integer(.minorFaults), majorFaults: try integer(.majorFaults),
                    workersMinorFaults: try integer(.workersMinorFaults), workersMajorFaults: try integer(.workersMajorFaults),
                    workersVoluntaryContextSwitches: try integer(.workersVoluntaryContextSwitches),
                    workersInvoluntaryContextSwitches: try integer(.workersInvoluntaryContextSwitches))
                if let running = try seconds(.lanesRunningSeconds), let waiting = try seconds(.lanesWaitingSeconds),
                    let migrations = try integer(.lanesMigrations)
                {
                    counters.lanes = SchedulerCounters(runningSeconds: running, waitingSeconds: waiting, migrations: migrations)
                }
                if let resident = try integer(.workersResidentKiB), let proportional = try integer(.workersProportionalKiB),
                    let unique = try integer(.workersUniqueKiB)
                {
                    counters.workersMemory = MemoryFootprint(residentKiB: resident, proportionalKiB: proportional, uniqueKiB: unique)
                }
                if let cycles = try optional(.cycles, { UInt64($0) }), let instructions = try optional(.instructions, { UInt64($0) }),
                    let misses = try optional(.cacheMisses, { UInt64($0) })
                {
                    counters.hardware = HardwareCounts(cycles: cycles, instructions: instructions, cacheMisses: misses)
                }
                let disturbed = try optional(.disturbed) { $0 == "1" ? true : $0 == "0" ? false : nil }
                if let others = try seconds(.othersCPUSeconds), let steal = try seconds(.stealSeconds), let disturbed {
                    counters.interference = Interference(
                        othersCPUSeconds: others, stealSeconds: steal, pressureSeconds: try seconds(.cpuPressureSeconds), disturbed: disturbed)
                }
                return counters
            }
            // The breakdown is all there or not at all.
            let parts = try ResultColumn.breakdownColumns.map { column throws(ResultsFileError) in try optional(column) { Double($0) } }
            let breakdown: TimeBreakdown? =
                parts.contains(nil)
                ? nil
                : TimeBreakdown(
                    startupSeconds: try parsed(.startupSeconds) { Double($0) }, workSeconds: parts[0]!, exchangeSeconds: parts[1]!,
                    idleSeconds: parts[2]!, teardownSeconds: parts[3]!, residualSeconds: parts[4]!)
            records.append(
                RepetitionRecord(
                    runID: field(.runID), workload: field(.workload), kind: try parsed(.kind, WorkloadKind.init(rawValue:)),
                    parameters: field(.parameters), mode: try parsed(.mode, ExecutionMode.init(rawValue:)),
                    workers: try parsed(.workers) { Int($0) }, tasks: try parsed(.tasks) { Int($0) },
                    repetition: try parsed(.repetition) { Int($0) }, wallSeconds: try parsed(.wallSeconds) { Double($0) },
                    startupSeconds: try parsed(.startupSeconds) { Double($0) },
                    tasksPerSecond: try parsed(.tasksPerSecond) { Double($0) }, checksum: try optional(.checksum) { $0.count == 16 ? UInt64($0, radix: 16) : nil },
                    status: try parsed(.status, RepetitionStatus.init(rawValue:)), error: field(.error).isEmpty ? nil : field(.error),
                    userSeconds: try parsed(.userSeconds) { Double($0) }, systemSeconds: try parsed(.systemSeconds) { Double($0) },
                    workersUserSeconds: try optional(.workersUserSeconds) { Double($0) },
                    workersSystemSeconds: try optional(.workersSystemSeconds) { Double($0) },
                    maxResidentKiB: try optional(.maxResidentKiB) { Int($0) }, workersMaxResidentKiB: try optional(.workersMaxResidentKiB) { Int($0) },
                    voluntaryContextSwitches: try parsed(.voluntaryContextSwitches) { Int($0) },
                    involuntaryContextSwitches: try parsed(.involuntaryContextSwitches) { Int($0) },
                    bytesToWorkers: try parsed(.bytesToWorkers) { Int($0) }, bytesFromWorkers: try parsed(.bytesFromWorkers) { Int($0) },
                    startSeconds: try parsed(.startSeconds) { Double($0) }, position: try parsed(.position) { Int($0) },
                    breakdown: breakdown, placement: try optional(.placement, Placement.init(rawValue:)) ?? .none,
                    transport: try optional(.transport, Transport.init(rawValue:)), units: try optional(.units) { UInt64($0) },
                    variant: field(.variant), dataset: try optional(.dataset, DatasetPlacement.init(rawValue:)),
                    datasetBytes: try optional(.datasetBytes) { Int($0) }, start: try optional(.start, WorkerStart.init(rawValue:)),
                    counters: try counters()))
        }
        return (records, leftOut, table.wholeLength)
    }
}
