import Glibc
import LabCore
import LabReport
import Synchronization

/// The one owner of a run folder's life, for every study that measures into one (`lab run`,
/// `lab crossover`, `lab bench`, and the studies to come): `run.json` written first and marked
/// partial, every measured repetition appended to `results.csv` as it finishes, Ctrl-C,
/// SIGTERM and stuck tasks, and at the end `run.json` final and the derived files. A study
/// keeps only its options, its plan and its own view of the cells.
///
/// The session never prints and never exits by itself: when a run must end early (a signal, a
/// task stuck on a thread) it writes what the run has, then calls the `end` it was given
/// with the message for the user and the exit status.
package final class RunSession: Sendable {
    package let folder: RunFolder
    package let runID: String
    /// The folder is this session's alone while it lives (and the process's, until it ends).
    private let lock: RunFolderLock
    private let description: Mutex<RunDescription>
    private let writer: ResultsFileWriter
    private let timelineWriter: TimelineFilesWriter
    private let ending = RunEnding()
    /// The study's own files (such as the crossover's curve), as of what it measured so far.
    private let studyFiles = Mutex<[(name: String, text: String)]>([])
    private let end: @Sendable (_ message: String, _ status: Int32) -> Never
    private let signals: SignalHandling.Installation
    /// What a resumed run measured before, by repetition; empty for a new run.
    private let measuredBefore: [RepetitionKey: RepetitionRecord]
    /// Seconds from the run's start to this session's (0 but for a resumed run), and the
    /// session's own clock: every record's `startSeconds` counts from the run's start.
    private let clockOffset: Double
    private let clock = Stopwatch()

    /// Takes the folder's lock, writes `run.json` marked partial, creates `results.csv` and
    /// installs the SIGINT and SIGTERM handlers. The folder must exist and be empty.
    /// - Parameters:
    ///   - description: the run's description; its `partial` and `endedAt` are the session's.
    ///   - end: prints the message and ends the process with the status; never returns.
    /// - Throws: ``LabFailure`` when a file cannot be written.
    package init(
        path: String, description: RunDescription,
        end: @escaping @Sendable (_ message: String, _ status: Int32) -> Never
    ) throws {
        var started = description
        started.partial = true
        started.endedAt = nil
        folder = RunFolder(path: path)
        lock = try RunFolderLock.acquire(path)
        runID = description.runID
        self.description = Mutex(started)
        self.end = end
        measuredBefore = [:]
        clockOffset = 0
        do {
            // Written first, marked partial, so that even an interrupted run can be reported.
            try folder.write(started)
            writer = try ResultsFileWriter(path: folder.resultsPath)
            timelineWriter = try TimelineFilesWriter(folder: path)
        } catch {
            throw LabFailure("cannot write the run folder \(path): \(error)")
        }
        let box = SessionBox()
        signals = RunSession.installSignals(box)
        box.value = self
    }

    /// Takes up the folder of a run that was interrupted (`--resume`), whose `lock` the caller
    /// took before it read the folder: `run.json` gains the
    /// resumption and is marked partial again, results.csv is cut back to its whole rows and
    /// appended to, tasks.csv and lanes.csv keep only the repetitions results.csv has, and
    /// ``run(_:with:order:observe:)`` measures only what the plan still lacks.
    /// - Parameters:
    ///   - description: the folder's `run.json`, as read.
    ///   - kept: the whole records of its results.csv; `wholeLength`: the bytes they take.
    ///   - resumption: what this resumption records; its `endedAt` is the session's.
    /// - Throws: ``LabFailure`` when a file cannot be written.
    package init(
        resuming path: String, lock: RunFolderLock, description: RunDescription, kept: [RepetitionRecord],
        wholeLength: Int,
        resumption: RunDescription.Resumption,
        end: @escaping @Sendable (_ message: String, _ status: Int32) -> Never
    ) throws {
        var resumed = description
        resumed.partial = true
        resumed.resumptions = (description.resumptions ?? []) + [resumption]
        folder = RunFolder(path: path)
        self.lock = lock
        runID = description.runID
        self.description = Mutex(resumed)
        self.end = end
        var before: [RepetitionKey: RepetitionRecord] = [:]
        for record in kept where before[RepetitionKey(record)] == nil { before[RepetitionKey(record)] = record }
        measuredBefore = before
        // The run's clock goes on from its start, and never back behind what it recorded.
        let sinceStart = UTCTime.unixTime(iso8601: description.startedAt).map { Double(Platform.unixTime() - $0) } ?? 0
        clockOffset = max(sinceStart, kept.map { $0.startSeconds + $0.wallSeconds }.max() ?? 0)
        do {
            try folder.write(resumed)
            writer = try ResultsFileWriter(appendingTo: folder.resultsPath, wholeLength: wholeLength)
            timelineWriter = try TimelineFilesWriter(resuming: path, kept: Set(before.keys))
        } catch {
            throw LabFailure("cannot write the run folder \(path): \(error)")
        }
        let box = SessionBox()
        signals = RunSession.installSignals(box)
        box.value = self
    }

    /// What the run measured before it was resumed, in the order results.csv has it.
    package var keptRecords: [RepetitionRecord] {
        measuredBefore.values.sorted { $0.position < $1.position }
    }

    /// The SIGINT and SIGTERM handlers, which stop the session in `session` (the handler
    /// needs the session, so it is installed before the session is whole, and finds it
    /// through the box).
    private static func installSignals(_ session: SessionBox) -> SignalHandling.Installation {
        SignalHandling.install { number in
            session.value?.stop("interrupted by \(Platform.signalName(number)); workers stopped", status: 128 + number)
        }
    }

    /// An experiment runner whose stuck tasks end the run through this session.
    package func experimentRunner(
        workerExecutable: WorkerExecutable, taskTimeoutSeconds: Double, batch: BatchSize,
        placement: CorePlacement = .none,
        spinPolls: Int = Transport.defaultSpinPolls
    ) -> ExperimentRunner {
        ExperimentRunner(
            runID: runID, workerExecutable: workerExecutable, taskTimeoutSeconds: taskTimeoutSeconds, batch: batch,
            placement: placement,
            spinPolls: spinPolls,
            onStuckTask: { [self] description in stop(description, status: ExitStatus.failure.rawValue) })
    }

    /// Runs `plan` with `runner`, appending every measured repetition to `results.csv` before
    /// `observe` hears of it. In a resumed run, repetitions measured before are not run again.
    /// - Returns: the plan's records in its order, those measured before the resumption included.
    /// - Throws: ``LabFailure`` at the first row that cannot be written (the run stops there:
    ///   no row is silently dropped), or what starting a fixture throws.
    package func run(
        _ plan: ExperimentPlan, with runner: ExperimentRunner, order: RepetitionOrder = .interleaved,
        observe: (ExperimentEvent) -> Void = { _ in }
    ) throws -> [RepetitionRecord] {
        let before = measuredBefore
        var lastCell: String?
        return try runner.run(
            plan, order: order,
            measuredBefore: { cell, repetition in before[RepetitionKey(cell, repetition: repetition)] },
            clockOffset: clockOffset + clock.elapsedSeconds
        ) { event in
            switch event {
            case .recorded(let record): try append(record)
            case .timeline(let timeline, let record): try append(timeline, of: record)
            case .willRun(let cell, _, _, _, _):
                // A cell's rows reach the device before another cell is measured (between
                // repetitions, never inside one); the run's last rows, when it ends.
                let key = RepetitionKey(cell, repetition: 0).cellKey
                if let lastCell, lastCell != key { try synchronizeRows() }
                lastCell = key
            }
            observe(event)
        }
    }

    /// Flushes the rows of results.csv, tasks.csv and lanes.csv to the device.
    /// - Throws: ``LabFailure`` naming the folder when the device refuses.
    package func synchronizeRows() throws {
        do {
            try writer.synchronize()
            try timelineWriter.synchronize()
        } catch {
            throw LabFailure("cannot flush the rows of \(folder.path) to the device: \(error); the run stops here")
        }
    }

    /// Appends one record to `results.csv`.
    /// - Throws: ``LabFailure`` naming the file when the write fails.
    package func append(_ record: RepetitionRecord) throws {
        do {
            try writer.append(record)
        } catch {
            throw LabFailure("cannot write \(folder.resultsPath): \(error); the run stops here")
        }
    }

    /// Appends a repetition's timeline to tasks.csv and lanes.csv.
    package func append(_ timeline: RepetitionTimeline, of record: RepetitionRecord) throws {
        do {
            try timelineWriter.append(timeline, of: record)
        } catch {
            throw LabFailure("cannot write the timeline files of \(folder.path): \(error); the run stops here")
        }
    }

    /// Changes the plan that `run.json` records (a scan that adds sizes as it goes).
    package func updatePlan(_ plan: RunDescription.Plan) {
        description.withLock { $0.plan = plan }
    }

    /// Records the unit costs that the run's speedup stacks use (`run.json`'s `unit_costs`).
    package func setUnitCosts(_ costs: UnitCosts) {
        description.withLock { $0.unitCosts = costs }
    }

    /// The unit costs `run.json` records so far (a resumed folder's, or those set).
    package var unitCosts: UnitCosts? { description.withLock { $0.unitCosts } }

    /// The study's own files as of what it has measured: written with the derived files at
    /// the end, and also when the run ends early.
    package func setStudyFiles(_ files: [(name: String, text: String)]) {
        studyFiles.withLock { $0 = files }
    }

    /// Runs the study's `body`, then writes `run.json` (final, or marked partial when `body`
    /// threw) and the derived files from what `results.csv` holds.
    /// - Returns: the derived files, with the summaries behind them.
    /// - Throws: what `body` throws (after the partial files are written), or a write error.
    package func conclude(_ body: () throws -> Void) throws -> DerivedFiles {
        do {
            try body()
        } catch {
            // What was measured stays reportable; the error is the user's to see.
            _ = try? ending.finish { try writeFiles(partial: true) }
            throw error
        }
        return try ending.finish { try writeFiles(partial: false) }
    }

    /// Ends the run early, from any thread: no row after the one being written, then no
    /// worker, so the rows on disk are whole and final; then `run.json` marked partial and
    /// the derived files of the finished cells; then `end`.
    package func stop(_ reason: String, status: Int32) -> Never {
        writer.seal()
        timelineWriter.seal()
        ChildProcessRegistry.shared.killAll()
        var message = "lab: \(reason)"
        ending.interrupt {
            let written = (try? writeFiles(partial: true)) != nil
            message +=
                written
                ? "; the finished cells are in \(folder.path)/ (marked partial)"
                : "; the rows measured so far are in \(folder.resultsPath)"
        }
        withExtendedLifetime(signals) {}
        end(message, status)
    }

    private func writeFiles(partial: Bool) throws -> DerivedFiles {
        try synchronizeRows()
        let final = description.withLock { description in
            description.partial = partial
            description.endedAt = RunDescription.now()
            // A session that resumed the run ends its last resumption (a new run has none).
            if var resumptions = description.resumptions, !resumptions.isEmpty {
                resumptions[resumptions.count - 1].endedAt = description.endedAt
                description.resumptions = resumptions
            }
            return description
        }
        do {
            try folder.write(final)
            let derived = try folder.writeDerivedFiles()
            for file in studyFiles.withLock({ $0 }) {
                try Platform.replaceFile(atPath: folder.path + "/" + file.name, with: Array(file.text.utf8))
            }
            return derived
        } catch {
            throw LabFailure("cannot write the files of \(folder.path): \(error)")
        }
    }
}

/// Lets the signal handler reach the session that installs it.
private final class SessionBox: Sendable {
    private let session = Mutex<RunSession?>(nil)
    var value: RunSession? {
        get { session.withLock { $0 } }
        set { session.withLock { $0 = newValue } }
    }
}

/// Who ends a run, the run itself or an interrupt: one lock decides, so an interrupted run is
/// never also written as finished, and a finished one is not rewritten as partial.
final class RunEnding: Sendable {
    private let state = Mutex<(interrupted: Bool, finished: Bool)>((false, false))

    /// On the interrupting thread: runs `write` unless the run has finished already.
    func interrupt(_ write: () -> Void) {
        state.withLock { state in
            guard !state.finished else { return }
            state.interrupted = true
            write()
        }
    }

    /// On the run's thread: runs `write` and marks the run finished, unless it was
    /// interrupted; then it waits for the interrupt to end the process.
    func finish<T>(_ write: () throws -> T) throws -> T {
        var result: Result<T, any Error>?
        state.withLock { state in
            guard !state.interrupted else { return }
            state.finished = true
            result = Result { try write() }
        }
        guard let result else {
            while true { Platform.waitForSignal() }
        }
        return try result.get()
    }
}
