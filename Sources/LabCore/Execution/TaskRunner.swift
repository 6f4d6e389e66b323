import Synchronization

/// A workload with its parameters and task count, ready to run: what every mode receives.
///
/// Building one validates the parameters and builds the workload, and starts nothing: a
/// workload's fixture (a local server) runs only inside ``withFixture(_:)``, which the
/// experiment loop calls around a workload's cells.
public struct ConfiguredWorkload: Sendable {
    public let type: any Workload.Type
    /// The validated parameters, with the fixture's values added inside ``withFixture(_:)``.
    public let parameters: Parameters
    public let taskCount: Int
    public let workload: any Workload
    /// The running fixture, inside ``withFixture(_:)``; `nil` outside it or when the workload
    /// has none.
    public let fixture: (any WorkloadFixture)?
    /// The coordinator's copy of the workload's dataset, built once in a memory file that
    /// `--dataset map` workers map; `nil` for a workload without one.
    public let dataset: Dataset?
    /// For an ``InPlaceWorkload``: the largest input and the largest result of any of its
    /// tasks, which size a worker's shared slots; `nil` for any other workload.
    package let largestInPlaceBytes: (input: Int, result: Int)?

    /// Builds the workload (and its dataset); starts nothing.
    /// - Parameter taskCount: the number of tasks; `nil` takes the workload's default.
    /// - Throws: whatever the workload's initialiser throws for these parameters.
    public init(type: any Workload.Type, parameters: Parameters, taskCount: Int? = nil) throws {
        try self.init(type: type, parameters: parameters, taskCount: taskCount, fixture: nil, dataset: try Dataset.shared(of: type, parameters: parameters))
    }

    private init(type: any Workload.Type, parameters: Parameters, taskCount: Int?, fixture: (any WorkloadFixture)?, dataset: Dataset?) throws {
        self.fixture = fixture
        self.type = type
        self.parameters = parameters
        self.dataset = dataset
        self.taskCount = taskCount ?? type.defaultTaskCount(for: parameters)
        let workload = try type.init(parameters: parameters, taskCount: self.taskCount, dataset: dataset)
        self.workload = workload
        let taskCount = self.taskCount
        largestInPlaceBytes = (workload as? any InPlaceWorkload).map { inPlace in
            (0..<taskCount).reduce((input: 0, result: 0)) { largest, index in
                (max(largest.input, inPlace.inputByteCount(forTask: index)), max(largest.result, inPlace.resultByteCount(forTask: index)))
            }
        }
    }

    /// Starts the workload's fixture, if it has one, runs `body` with the workload built
    /// again with the fixture's values, and stops the fixture when `body` returns or throws.
    /// - Throws: what starting the fixture, building the workload or `body` throws.
    public func withFixture<T>(_ body: (ConfiguredWorkload) throws -> T) throws -> T {
        guard let fixture = try type.startFixture(parameters: parameters) else { return try body(self) }
        defer { fixture.stop() }
        return try body(
            ConfiguredWorkload(
                type: type, parameters: parameters.adding(fixtureValues: fixture.values), taskCount: taskCount, fixture: fixture, dataset: dataset))
    }

    /// ``withFixture(_:)`` for an async `body` (tests and async callers).
    public func withFixture<T>(_ body: (ConfiguredWorkload) async throws -> T) async throws -> T {
        guard let fixture = try type.startFixture(parameters: parameters) else { return try await body(self) }
        defer { fixture.stop() }
        return try await body(
            ConfiguredWorkload(
                type: type, parameters: parameters.adding(fixtureValues: fixture.values), taskCount: taskCount, fixture: fixture, dataset: dataset))
    }

    public var name: String { type.name }
}

/// What one execution of a cell produced.
package struct ExecutionResult: Sendable {
    /// Seconds from asking for the pool until every worker was ready (0 for sequential).
    package var startupSeconds: Double
    /// One entry per task, `nil` for tasks that did not finish.
    package var outcomes: [TaskOutcome?]
    /// The first failure, if any task failed.
    package var failure: ExecutionError?
    /// How many failures there were in all.
    package var failureCount = 0
    /// What the worker processes reported and what crossed the pipes (zero outside process mode).
    package var workers = WorkerTotals()
    /// The scheduler's figures of the lanes (each pool thread, each worker's main thread, the
    /// coordinator's thread in sequential mode), summed; `nil` when a lane could not be read
    /// (async cells, whose tasks run on threads that are not theirs, and kernels without them).
    package var lanes: SchedulerCounters?

    package init(
        startupSeconds: Double, outcomes: [TaskOutcome?], failure: ExecutionError?, failureCount: Int? = nil, workers: WorkerTotals = WorkerTotals(),
        lanes: SchedulerCounters? = nil
    ) {
        self.lanes = lanes
        self.startupSeconds = startupSeconds
        self.outcomes = outcomes
        self.failure = failure
        self.failureCount = failureCount ?? (failure == nil ? 0 : 1)
        self.workers = workers
    }
}

/// The worker processes of one execution, together.
package struct WorkerTotals: Sendable, Equatable {
    /// CPU time summed over the workers; context switches summed; the largest single peak.
    package var usage = ResourceUsage()
    /// Bytes sent to and received from all workers: frames, headers included, and bytes
    /// written in place into their slots.
    package var bytesToWorkers = 0
    package var bytesFromWorkers = 0
    /// Workers that ended without reporting their usage (killed, crashed, or too late): then
    /// ``usage`` leaves them out and is not the whole.
    package var workersWithoutUsage = 0
    /// The workers' lanes (their main threads), summed; `nil` when a report lacked them.
    package var lanes: SchedulerCounters? = SchedulerCounters()
    /// The workers' memory as each stood before it exited, summed; `nil` when a report lacked it.
    package var memory: MemoryFootprint? = MemoryFootprint()

    package init() {}

    /// Adds one worker's report.
    package mutating func add(_ report: WorkerReport) {
        usage = usage + report.usage
        lanes = lanes.flatMap { sum in report.lane.map { sum + $0 } }
        memory = memory.flatMap { sum in report.memory.map { sum + $0 } }
    }
}

/// Runs a cell's tasks in one mode.
package protocol TaskRunner: Sendable {
    /// Runs tasks `0..<workload.taskCount` and returns what happened. Failures are part of
    /// the result, not thrown: a crashing worker is a measurement, not a crash of the lab.
    ///
    /// Blocks the calling thread until the cell is done. Call it from an ordinary thread (the
    /// lab calls it from the main thread), never from a Swift concurrency task: use
    /// ``executeOnOwnThread(_:)`` there, or the `async` mode may wait forever for the
    /// cooperative threads that the caller blocks.
    func execute(_ workload: ConfiguredWorkload) -> ExecutionResult
}

/// A claimed task and its input, waiting to be performed.
package struct PendingTask: Sendable {
    package let index: Int
    /// The input as an array; empty for an ``InPlaceWorkload``'s task, whose performer writes
    /// the input where the body reads it.
    package let input: [UInt8]
    /// The bytes of the input, wherever it is written.
    package let inputBytes: Int

    package init(index: Int, input: [UInt8]) {
        self.index = index
        self.input = input
        inputBytes = input.count
    }

    package init(index: Int, inputWrittenInPlace bytes: Int) {
        self.index = index
        input = []
        inputBytes = bytes
    }
}

/// What a performer hands the driver for each task: its outcome (the result digested where it
/// arrived), or why it failed.
package typealias TaskDelivery = (_ task: PendingTask, _ result: Result<TaskOutcome, ExecutionError>) -> Void

/// Performs a driver's tasks: in its own thread, or through a worker process.
package protocol TaskPerformer {
    /// Performs `tasks` in order and hands each one's result to `deliver` as it comes.
    /// - Returns: how many tasks were delivered. Fewer than asked means the rest have not
    ///   run: either the performer takes them in smaller pieces (the driver asks again), or a
    ///   failure left it out of step (a dead worker), and then that failure was delivered last.
    ///
    /// When `times` is not `nil` (the run records a timeline), the performer notes in it
    /// when the tasks were handed over and when their bodies ran.
    func perform(_ tasks: ArraySlice<PendingTask>, times: inout SpanTimes?, deliver: TaskDelivery) -> Int

    /// Gets ready for the next task after `error` (a process performer replaces a dead
    /// worker). Returns an error when it cannot go on, which ends the execution.
    func recover(after error: ExecutionError) -> ExecutionError?

    /// Whether it writes an ``InPlaceWorkload``'s inputs itself, where the body reads them;
    /// otherwise the driver makes each input as an array (the default).
    var writesInputsInPlace: Bool { get }
}

extension TaskPerformer {
    package func recover(after error: ExecutionError) -> ExecutionError? { nil }

    package var writesInputsInPlace: Bool { false }
}

/// Runs the workload's body directly, in the calling thread.
package struct InlinePerformer: TaskPerformer, Sendable {
    package let workload: any Workload
    /// Where a watchdog sees this driver's running task; `nil` for none.
    package let slot: TaskWatch.Slot?
    /// Where an ``InPlaceWorkload``'s inputs and results are written, kept from task to task.
    private let buffers: TaskBuffers

    package init(workload: any Workload, slot: TaskWatch.Slot? = nil) {
        self.workload = workload
        self.slot = slot
        buffers = TaskBuffers()
    }

    package var writesInputsInPlace: Bool { workload is any InPlaceWorkload }

    package func perform(_ tasks: ArraySlice<PendingTask>, times: inout SpanTimes?, deliver: TaskDelivery) -> Int {
        // Two readings of the clock per claim, not per task: a batch of tiny tasks stays cheap.
        var started = times == nil ? 0 : Platform.monotonicNanoseconds()
        defer {
            if times != nil {
                // Every result was delivered inside the loop: the end is also their arrival.
                let ended = Platform.monotonicNanoseconds()
                times?.add(started: started, ended: ended)
                times?.received = ended
            }
        }
        let inPlace = writesInputsInPlace ? workload as? any InPlaceWorkload : nil
        for task in tasks {
            let result: Result<TaskOutcome, ExecutionError>
            if let inPlace {
                let input = buffers.input(count: task.inputBytes)
                inPlace.writeInput(forTask: task.index, into: input)
                // The first input is made before the body starts, as the other modes make it.
                if task.index == tasks.first?.index, times != nil { started = Platform.monotonicNanoseconds() }
                slot?.begin(task: task.index)
                result = Self.run(task.index, of: inPlace, input: UnsafeRawBufferPointer(input), into: buffers)
            } else {
                slot?.begin(task: task.index)
                do {
                    result = .success(TaskOutcome(output: try workload.run(task: task.index, input: task.input), inputBytes: task.input.count))
                } catch {
                    result = .failure(.taskFailed(task: task.index, message: "\(error)"))
                }
            }
            slot?.end()
            deliver(task, result)
        }
        return tasks.count
    }

    private static func run(
        _ index: Int, of workload: some InPlaceWorkload, input: UnsafeRawBufferPointer, into buffers: TaskBuffers
    ) -> Result<TaskOutcome, ExecutionError> {
        var result = ResultBuffer(buffers.result(count: workload.resultByteCount(forTask: index)))
        do {
            let output = try workload.runInPlace(task: index, input: input, result: &result)
            return .success(TaskOutcome(output: output, result: result.written, inputBytes: input.count))
        } catch {
            return .failure(.taskFailed(task: index, message: "\(error)"))
        }
    }
}

/// A driver thread's buffers for in-place inputs and results: allocated once, grown when a
/// task needs more, reused by the next task (as a worker reuses its shared slots).
///
/// Used by one driver thread only, which is why the unchecked conformance is safe.
final class TaskBuffers: @unchecked Sendable {
    private var inputStorage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var resultStorage = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// The first `count` bytes of the input buffer.
    func input(count: Int) -> UnsafeMutableRawBufferPointer {
        Self.prefix(count, of: &inputStorage)
    }

    /// The first `count` bytes of the result buffer.
    func result(count: Int) -> UnsafeMutableRawBufferPointer {
        Self.prefix(count, of: &resultStorage)
    }

    private static func prefix(_ count: Int, of storage: inout UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        if storage.count < count {
            storage.deallocate()
            storage = .allocate(byteCount: count, alignment: 16)
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[0..<count])
    }

    deinit {
        inputStorage.deallocate()
        resultStorage.deallocate()
    }
}

/// The loop every driver runs, whatever the mode: claim a batch of tasks, make their inputs,
/// perform them, digest their results; a failed task is recorded and the loop goes on, until
/// no task is left or a failure that cannot be recovered from stops every driver.
/// - Parameter batch: how many tasks to claim at once (1 or more).
/// - Parameter lane: where the claims' spans are recorded; `nil` records nothing.
package func driveTasks(ledger: TaskLedger, workload: any Workload, performer: some TaskPerformer, batch: Int = 1, lane: LaneRecorder? = nil) {
    var finished: [(index: Int, outcome: TaskOutcome)] = []
    var tasks: [PendingTask] = []
    // The lane's log is this thread's own while the tasks run (see ``LaneRecorder/log``).
    var log = lane?.log
    defer {
        ledger.deposit(finished)
        // Depositing is handing results back, like a worker's reply: part of the last claim.
        if var log {
            log.extendLastSpan(to: Platform.monotonicNanoseconds())
            lane?.log = log
        }
    }
    log?.markReady()
    // A performer that writes an in-place workload's inputs wants their sizes only.
    let inPlace = performer.writesInputsInPlace ? workload as? any InPlaceWorkload : nil
    while let claimed = ledger.claim(upTo: max(batch, 1)) {
        let claimedAt = lane == nil ? 0 : Platform.monotonicNanoseconds()
        tasks.removeAll(keepingCapacity: true)
        for index in claimed {
            if let inPlace {
                tasks.append(PendingTask(index: index, inputWrittenInPlace: inPlace.inputByteCount(forTask: index)))
            } else {
                tasks.append(PendingTask(index: index, input: workload.input(forTask: index)))
            }
        }
        var times: SpanTimes? = lane == nil ? nil : SpanTimes()
        var bytesIn = 0
        var bytesOut = 0
        var next = 0
        defer {
            if let lane, let times {
                let received = times.received != 0 ? times.received : Platform.monotonicNanoseconds()
                let started = times.started == 0 ? received : times.started
                log?.record(
                    TaskSpan(
                        lane: lane.lane, firstTask: claimed.lowerBound, taskCount: claimed.count, claimed: claimedAt,
                        sent: times.sent == 0 ? started : times.sent, started: started, ended: max(times.ended, started), received: received,
                        work: times.work, bytesIn: bytesIn, bytesOut: bytesOut))
            }
        }
        while next < tasks.count {
            var lastFailure: ExecutionError?
            let delivered = performer.perform(tasks[next...], times: &times) { task, result in
                bytesIn += task.inputBytes
                switch result {
                case .success(let outcome):
                    bytesOut += outcome.payloadBytes
                    finished.append((task.index, outcome))
                case .failure(let error):
                    // A failed task is a measurement: record it and go on with the others.
                    ledger.record(error)
                    lastFailure = error
                }
            }
            precondition(delivered > 0, "a performer must deliver at least one task")
            next += delivered
            if let lastFailure, let fatal = performer.recover(after: lastFailure) {
                ledger.fail(fatal)
                return
            }
        }
    }
}

/// Runs one driver thread per performer, each in ``driveTasks(ledger:workload:performer:batch:)``,
/// and waits for all of them: the skeleton both pools share.
/// - Returns: the seconds spent creating the threads, and the driver threads' scheduler
///   figures summed (`nil` when one could not be read or a thread did not start).
/// - Parameter pinning: where each driver thread runs (thread `i` is lane `i`); `nil` for anywhere.
func runDriverThreads<Performer: TaskPerformer & Sendable>(
    _ performers: [Performer], ledger: TaskLedger, workload: any Workload, batch: Int, timeline: TimelineRecorder?, pinning: LanePinning? = nil
) -> (creationSeconds: Double, lanes: SchedulerCounters?) {
    let started = Platform.monotonicSeconds()
    var threads: [JoinableThread] = []
    let scheduling = Mutex<[SchedulerCounters?]>([])
    for (number, performer) in performers.enumerated() {
        let lane = timeline?.lanes[number]
        do {
            threads.append(
                try JoinableThread {
                    // Read once at each end of the thread's life: per lane, never per task.
                    let before = Platform.threadSchedulerCounters()
                    defer {
                        let counted = Platform.threadSchedulerCounters().flatMap { after in before.map { after.since($0) } }
                        scheduling.withLock { $0.append(counted) }
                    }
                    do throws(SystemError) {
                        try pinning?.pinCallingThread(lane: number)
                    } catch {
                        // A lane that cannot run where it was asked to would measure something else.
                        ledger.fail(.system(error))
                        return
                    }
                    driveTasks(ledger: ledger, workload: workload, performer: performer, batch: batch, lane: lane)
                })
        } catch {
            ledger.fail(.system(error))
            break
        }
    }
    let creationSeconds = Platform.monotonicSeconds() - started
    threads.forEach { $0.join() }
    let lanes = scheduling.withLock { $0 }
    let complete = lanes.count == performers.count && !lanes.contains(nil)
    return (creationSeconds, complete ? lanes.compactMap { $0 }.reduce(SchedulerCounters(), +) : nil)
}

/// The coordinator runs the tasks in order, in its own thread.
package struct SequentialRunner: TaskRunner {
    /// Told when each task starts and ends, for a watchdog; `nil` for none.
    package let watch: TaskWatch?

    /// How many tasks the coordinator claims at once (as one thread of a pool would), which
    /// is also how finely its timeline is recorded.
    package let batch: BatchSize
    package let timeline: TimelineRecorder?

    /// Where the coordinator runs the tasks (lane 0's core); `nil` for anywhere.
    package let pinning: LanePinning?

    package init(batch: BatchSize = .fixed(1), watch: TaskWatch? = nil, timeline: TimelineRecorder? = nil, pinning: LanePinning? = nil) {
        self.batch = batch
        self.watch = watch
        self.timeline = timeline
        self.pinning = pinning
    }

    package func execute(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        do throws(SystemError) {
            try pinning?.pinCallingThread(lane: 0)
        } catch {
            return ExecutionResult(startupSeconds: 0, outcomes: [TaskOutcome?](repeating: nil, count: workload.taskCount), failure: .system(error))
        }
        defer { pinning?.releaseCallingThread() }
        let before = Platform.threadSchedulerCounters()
        driveTasks(
            ledger: ledger, workload: workload.workload, performer: InlinePerformer(workload: workload.workload, slot: watch?.slots.first),
            batch: batch.tasksPerClaim(taskCount: workload.taskCount, workers: 1), lane: timeline?.lanes.first)
        let lane = Platform.threadSchedulerCounters().flatMap { after in before.map { after.since($0) } }
        let (outcomes, failure) = ledger.result
        return ExecutionResult(startupSeconds: 0, outcomes: outcomes, failure: failure, failureCount: ledger.failureCount, lanes: lane)
    }
}

/// A fixed pool of threads; each claims tasks dynamically and runs them itself.
package struct ThreadPoolRunner: TaskRunner {
    package let threads: Int
    /// How many tasks a thread claims at once.
    package let batch: BatchSize
    /// Told when each task starts and ends, for a watchdog (one slot per thread); `nil` for none.
    package let watch: TaskWatch?

    /// Where each thread records its claims (a lane per thread); `nil` records nothing.
    package let timeline: TimelineRecorder?

    /// Where each thread runs; `nil` for anywhere.
    package let pinning: LanePinning?

    package init(threads: Int, batch: BatchSize = .fixed(1), watch: TaskWatch? = nil, timeline: TimelineRecorder? = nil, pinning: LanePinning? = nil) {
        self.pinning = pinning
        precondition(threads > 0, "a pool needs at least one thread")
        precondition(watch.map { $0.slots.count >= threads } ?? true, "the watch needs a slot per thread")
        precondition(timeline.map { $0.lanes.count >= threads } ?? true, "the timeline needs a lane per thread")
        self.threads = threads
        self.batch = batch
        self.watch = watch
        self.timeline = timeline
    }

    package func execute(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let performers = (0..<threads).map { InlinePerformer(workload: workload.workload, slot: watch?.slots[$0]) }
        let (startupSeconds, lanes) = runDriverThreads(
            performers, ledger: ledger, workload: workload.workload, batch: batch.tasksPerClaim(taskCount: workload.taskCount, workers: threads),
            timeline: timeline, pinning: pinning)
        let (outcomes, failure) = ledger.result
        return ExecutionResult(startupSeconds: startupSeconds, outcomes: outcomes, failure: failure, failureCount: ledger.failureCount, lanes: lanes)
    }
}
