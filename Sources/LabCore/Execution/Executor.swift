/// A workload with its parameters and task count, ready to run: what every mode receives.
public struct ConfiguredWorkload: Sendable {
    public let type: any Workload.Type
    /// The validated parameters, with the fixture's values added.
    public let parameters: Parameters
    public let taskCount: Int
    public let workload: any Workload
    /// What the workload runs beside the coordinator (a local server), if anything.
    public let fixture: (any WorkloadFixture)?

    /// Starts the workload's fixture, if it has one, and builds the workload.
    /// - Parameter taskCount: the number of tasks; `nil` takes the workload's default.
    /// - Throws: whatever the fixture or the workload's initialiser throws.
    public init(type: any Workload.Type, parameters: Parameters, taskCount: Int? = nil) throws {
        self.type = type
        let fixture = try type.startFixture(parameters: parameters)
        do {
            let withFixture = parameters.adding(fixtureValues: fixture?.values ?? [:])
            self.parameters = withFixture
            self.taskCount = taskCount ?? type.defaultTaskCount(for: parameters)
            self.workload = try type.init(parameters: withFixture, taskCount: self.taskCount)
            self.fixture = fixture
        } catch {
            fixture?.stop()
            throw error
        }
    }

    /// Stops the fixture; call once, when the run is over.
    public func stopFixture() {
        fixture?.stop()
    }

    public var name: String { type.name }
}

/// What one execution of a cell produced.
public struct ExecutionResult: Sendable {
    /// Seconds from asking for the pool until every worker was ready (0 for sequential).
    public var startupSeconds: Double
    /// One entry per task, `nil` for tasks that did not finish.
    public var outcomes: [TaskOutcome?]
    /// The first failure, if any task failed.
    public var failure: ExecutionError?
    /// How many failures there were in all.
    public var failureCount = 0
    /// What the worker processes reported and what crossed the pipes (zero outside process mode).
    public var workers = WorkerTotals()

    public init(startupSeconds: Double, outcomes: [TaskOutcome?], failure: ExecutionError?, failureCount: Int? = nil, workers: WorkerTotals = WorkerTotals()) {
        self.startupSeconds = startupSeconds
        self.outcomes = outcomes
        self.failure = failure
        self.failureCount = failureCount ?? (failure == nil ? 0 : 1)
        self.workers = workers
    }
}

/// The worker processes of one execution, together.
public struct WorkerTotals: Sendable, Equatable {
    /// CPU time summed over the workers; context switches summed; the largest single peak.
    public var usage = ResourceUsage()
    /// Frame bytes, headers included, sent to and received from all workers.
    public var bytesToWorkers = 0
    public var bytesFromWorkers = 0

    public init() {}
}

/// Runs a cell's tasks in one mode.
public protocol Executor: Sendable {
    /// Runs tasks `0..<workload.taskCount` and returns what happened. Failures are part of
    /// the result, not thrown: a crashing worker is a measurement, not a crash of the lab.
    ///
    /// Blocks the calling thread until the cell is done. Call it from an ordinary thread (the
    /// lab calls it from the main thread), never from a Swift concurrency task: use
    /// ``executeOnOwnThread(_:)`` there, or the `async` mode may wait forever for the
    /// cooperative threads that the caller blocks.
    func execute(_ workload: ConfiguredWorkload) -> ExecutionResult
}

/// Runs one task at a time for a driver: in its own thread, or through a worker process.
public protocol TaskPerformer {
    func perform(task index: Int, input: [UInt8]) throws(ExecutionError) -> TaskOutput

    /// Gets ready for the next task after `error` (a process performer replaces a dead
    /// worker). Returns an error when it cannot go on, which ends the execution.
    func recover(after error: ExecutionError) -> ExecutionError?
}

extension TaskPerformer {
    public func recover(after error: ExecutionError) -> ExecutionError? { nil }
}

/// Runs the workload's body directly, in the calling thread.
public struct InlinePerformer: TaskPerformer, Sendable {
    public let workload: any Workload

    public init(workload: any Workload) {
        self.workload = workload
    }

    public func perform(task index: Int, input: [UInt8]) throws(ExecutionError) -> TaskOutput {
        do {
            return try workload.run(task: index, input: input)
        } catch {
            throw .taskFailed(task: index, message: "\(error)")
        }
    }
}

/// The loop every driver runs, whatever the mode: claim a task, make its input, perform it,
/// digest its result; a failed task is recorded and the loop goes on, until no task is left
/// or a failure that cannot be recovered from stops every driver.
public func driveTasks(ledger: TaskLedger, workload: any Workload, performer: some TaskPerformer, watch: TaskWatch? = nil) {
    var finished: [(index: Int, outcome: TaskOutcome)] = []
    while let index = ledger.claim() {
        let input = workload.input(forTask: index)
        watch?.begin(task: index)
        defer { watch?.end(task: index) }
        do {
            let output = try performer.perform(task: index, input: input)
            finished.append((index, TaskOutcome(output: output, inputBytes: input.count)))
        } catch {
            // A failed task is a measurement: record it and go on with the others.
            ledger.record(error)
            if let fatal = performer.recover(after: error) {
                ledger.fail(fatal)
                break
            }
        }
    }
    ledger.deposit(finished)
}

/// Runs one driver thread per performer, each in ``driveTasks(ledger:workload:performer:)``,
/// and waits for all of them: the skeleton both pools share.
/// - Returns: the seconds spent creating the threads.
func runDriverThreads<Performer: TaskPerformer & Sendable>(_ performers: [Performer], ledger: TaskLedger, workload: any Workload, watch: TaskWatch? = nil) -> Double {
    let started = Platform.monotonicSeconds()
    var threads: [JoinableThread] = []
    for performer in performers {
        do {
            threads.append(try JoinableThread { driveTasks(ledger: ledger, workload: workload, performer: performer, watch: watch) })
        } catch {
            ledger.fail(.system(error))
            break
        }
    }
    let creationSeconds = Platform.monotonicSeconds() - started
    threads.forEach { $0.join() }
    return creationSeconds
}

/// The coordinator runs the tasks in order, in its own thread.
public struct SequentialExecutor: Executor {
    /// Told when each task starts and ends, for a watchdog; `nil` for none.
    public let watch: TaskWatch?

    public init(watch: TaskWatch? = nil) {
        self.watch = watch
    }

    public func execute(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        driveTasks(ledger: ledger, workload: workload.workload, performer: InlinePerformer(workload: workload.workload), watch: watch)
        let (outcomes, failure) = ledger.result
        return ExecutionResult(startupSeconds: 0, outcomes: outcomes, failure: failure, failureCount: ledger.failureCount)
    }
}

/// A fixed pool of threads; each claims tasks dynamically and runs them itself.
public struct ThreadPoolExecutor: Executor {
    public let threads: Int
    /// Told when each task starts and ends, for a watchdog; `nil` for none.
    public let watch: TaskWatch?

    public init(threads: Int, watch: TaskWatch? = nil) {
        precondition(threads > 0, "a pool needs at least one thread")
        self.threads = threads
        self.watch = watch
    }

    public func execute(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let performers = Array(repeating: InlinePerformer(workload: workload.workload), count: threads)
        let startupSeconds = runDriverThreads(performers, ledger: ledger, workload: workload.workload, watch: watch)
        let (outcomes, failure) = ledger.result
        return ExecutionResult(startupSeconds: startupSeconds, outcomes: outcomes, failure: failure, failureCount: ledger.failureCount)
    }
}
