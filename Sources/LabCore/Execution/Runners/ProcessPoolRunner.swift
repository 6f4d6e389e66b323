import Foundation
import Glibc

/// A pool of worker child processes, each started with a ``WorkerExecutable``, talking to
/// the coordinator over its ``Transport`` (``Transport/default`` unless told). Tasks go to whichever worker is free:
/// one driver thread per worker claims tasks from the shared ledger. A worker that dies or
/// breaks the protocol fails its task and is replaced; the other tasks go on.
package struct ProcessPoolRunner: TaskRunner {
    package let workers: Int
    /// The worker binary: the running `lab` itself (from `/proc/self/exe`) in normal use.
    package let executablePath: String
    /// The arguments that make that binary a worker.
    package let arguments: [String]
    package let registry: ChildProcessRegistry
    /// A task that has not answered after this many seconds gets its worker killed and
    /// replaced, and is recorded as timed out.
    package let taskTimeoutSeconds: Double
    /// How many tasks a driver claims at once; a batch of small tasks goes to the worker in
    /// one write.
    package let batch: BatchSize
    /// Where each driver records its claims and each worker its life (a lane per worker);
    /// `nil` records nothing.
    package let timeline: TimelineRecorder?
    /// Where each worker and its driver thread run (worker `n` is lane `n - 1`); `nil` for anywhere.
    package let pinning: LanePinning?
    /// How each worker exchanges frames with its driver.
    package let transport: TransportSettings
    /// Whether each worker builds the workload's dataset or maps the coordinator's.
    package let dataset: DatasetPlacement
    /// Forks each worker when given (`--start forkserver`); `nil` spawns them.
    package let forkServer: ForkServer?
    /// Where `shm` workers' regions come from and go back to; `nil` makes one per worker.
    package let regions: SharedRegionPool?

    package init(
        workers: Int, executablePath: String, arguments: [String], registry: ChildProcessRegistry = .shared,
        taskTimeoutSeconds: Double = .infinity, batch: BatchSize = .fixed(1), timeline: TimelineRecorder? = nil,
        pinning: LanePinning? = nil,
        transport: TransportSettings = TransportSettings(), dataset: DatasetPlacement = .default,
        forkServer: ForkServer? = nil, regions: SharedRegionPool? = nil
    ) {
        self.regions = regions
        self.forkServer = forkServer
        self.dataset = dataset
        self.pinning = pinning
        self.transport = transport
        precondition(timeline.map { $0.lanes.count >= workers } ?? true, "the timeline needs a lane per worker")
        self.timeline = timeline
        precondition(workers > 0, "a pool needs at least one worker")
        self.workers = workers
        self.executablePath = executablePath
        self.arguments = arguments
        self.registry = registry
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.batch = batch
    }

    /// A pool whose workers are started with `command`.
    package init(
        workers: Int, command: WorkerExecutable, registry: ChildProcessRegistry = .shared,
        taskTimeoutSeconds: Double = .infinity,
        batch: BatchSize = .fixed(1), timeline: TimelineRecorder? = nil, pinning: LanePinning? = nil,
        transport: TransportSettings = TransportSettings(),
        dataset: DatasetPlacement = .default, forkServer: ForkServer? = nil, regions: SharedRegionPool? = nil
    ) {
        self.init(
            workers: workers, executablePath: command.executablePath, arguments: command.arguments, registry: registry,
            taskTimeoutSeconds: taskTimeoutSeconds, batch: batch, timeline: timeline, pinning: pinning,
            transport: transport, dataset: dataset,
            forkServer: forkServer, regions: regions)
    }

    /// Starts worker `number` with its setup (the caller waits for it to be ready).
    func launch(_ number: Int, for workload: ConfiguredWorkload) throws(ExecutionError) -> WorkerProcess {
        let worker = try WorkerProcess(
            number: number, executablePath: executablePath, arguments: arguments, transport: transport,
            registry: registry,
            forkServer: forkServer, regions: regions, workload: workload,
            datasetPath: dataset == .map ? workload.dataset?.sharedPath : nil)
        do throws(SystemError) {
            try pinning?.pin(processID: worker.processID, lane: number - 1)
        } catch {
            worker.shutdown(registry: registry)
            throw ExecutionError.workerStartFailed(worker: number, message: "cannot pin it to its core: \(error)")
        }
        return worker
    }

    /// How many fork requests go to the fork server before its answers are read.
    package static let forkWindow = 32

    /// Forks the pool's workers through `server`, ``forkWindow`` requests at a time sent back
    /// to back (each worker's transport made and its setup written first), appending each to
    /// `pool`. A pool of 256 forked one round trip at a time spent 0.39 ms a worker waiting on
    /// the server (lab 0.9.0 before this, the machine of the front page).
    /// - Throws: the first worker's failure to start; the workers started stay in `pool`.
    private func launchForked(
        by server: ForkServer, for workload: ConfiguredWorkload, into pool: inout [WorkerProcess], failed: inout Int
    ) throws(ExecutionError) {
        let datasetPath = dataset == .map ? workload.dataset?.sharedPath : nil
        var first = 1
        while first <= workers {
            let numbers = first...min(first + Self.forkWindow - 1, workers)
            first = numbers.upperBound + 1
            var prepared: [WorkerProcess.Preparation] = []
            for number in numbers {
                do throws(ExecutionError) {
                    prepared.append(
                        try WorkerProcess.prepare(
                            number: number, transport: transport, regions: regions, workload: workload,
                            datasetPath: datasetPath))
                } catch {
                    prepared.forEach { $0.abandon() }
                    failed += 1
                    throw error
                }
            }
            let forked = server.forkAll(
                prepared.map {
                    (
                        input: $0.connection.standardInput.fileDescriptor,
                        output: $0.connection.standardOutput.fileDescriptor, environment: $0.connection.environment
                    )
                })
            var firstFailure: ExecutionError?
            for (preparation, outcome) in zip(prepared, forked) {
                switch outcome {
                case .success(let processID):
                    let link = preparation.connection.makeLink(peerAlive: { server.isRunning(processID) })
                    let worker = WorkerProcess(
                        preparation, child: .forked(processID, server), link: link, registry: registry)
                    pool.append(worker)
                    do throws(SystemError) {
                        try pinning?.pin(processID: processID, lane: preparation.number - 1)
                    } catch {
                        firstFailure =
                            firstFailure
                            ?? .workerStartFailed(
                                worker: preparation.number, message: "cannot pin it to its core: \(error)")
                    }
                case .failure(let error):
                    preparation.abandon()
                    failed += 1
                    if case .workerStartFailed(_, let message) = error {
                        firstFailure = firstFailure ?? .workerStartFailed(worker: preparation.number, message: message)
                    } else {
                        firstFailure = firstFailure ?? error
                    }
                }
            }
            if let firstFailure { throw firstFailure }
        }
    }

    /// Runs the tasks on a fresh pool. It ignores SIGPIPE for the whole process (the `lab`
    /// command does so first thing anyway): writing to a worker that died must be an `EPIPE`
    /// error, not the death of the process that hosts the pool.
    package func run(_ workload: ConfiguredWorkload) -> ExecutionResult {
        Platform.ignoreSignal(SIGPIPE)
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let started = Platform.monotonicSeconds()
        var pool: [WorkerProcess] = []
        var performers: [ProcessPerformer] = []
        // A worker whose launch failed (killed before it was ready, say) sent no usage either.
        var failedLaunches = 0
        // Spawned workers are this process's children, reaped by their pool: the kernel counts
        // every one of them, a worker that died without its report included, in the children's
        // usage, which nothing else adds to while a pool runs.
        let childrenBefore = forkServer == nil ? Platform.childrenUsage() : nil
        func finish(startupSeconds: Double) -> ExecutionResult {
            var totals = WorkerTotals()
            let unlaunched = failedLaunches + performers.map(\.failedLaunches).reduce(0, +)
            totals.workersWithoutReport = unlaunched
            totals.workersWithoutUsage = unlaunched
            let workers = pool + performers.flatMap(\.retired)
            // All are asked to finish first, so they report and exit in parallel.
            workers.forEach { $0.requestFinish() }
            var counted = ResourceUsage()
            for worker in workers {
                worker.shutdown(registry: registry)
                totals.bytesToWorkers += worker.bytesSent
                totals.bytesFromWorkers += worker.bytesReceived
                if let report = worker.report {
                    totals.add(report)
                } else {
                    totals.workersWithoutReport += 1
                    // A forked worker's server counted it as it reaped it: its times are known.
                    if let life = worker.lifeUsage {
                        counted =
                            counted
                            + ResourceUsage(
                                userSeconds: life.userSeconds, systemSeconds: life.systemSeconds, maxResidentKiB: 0,
                                voluntaryContextSwitches: life.voluntaryContextSwitches,
                                involuntaryContextSwitches: life.involuntaryContextSwitches,
                                minorFaults: life.minorFaults, majorFaults: life.majorFaults)
                    } else {
                        totals.workersWithoutUsage += 1
                    }
                }
            }
            if let childrenBefore, totals.workersWithoutUsage > 0 {
                // Every spawned worker is reaped by now: the kernel's count is the whole, the
                // peak still the reports' (a spawned child's ru_maxrss starts at ours).
                var whole = Platform.childrenUsage().since(childrenBefore)
                whole.maxResidentKiB = totals.usage.maxResidentKiB
                totals.usage = whole
                totals.workersWithoutUsage = 0
            } else {
                totals.usage = totals.usage + counted
            }
            timeline?.add(workers.flatMap(\.lifeEvents))
            let (tally, failure) = ledger.result
            // Each worker is a lane: its scheduler figures are the cell's, when every one sent them.
            return ExecutionResult(
                startupSeconds: startupSeconds, tally: tally, failure: failure, failureCount: ledger.failureCount,
                workers: totals,
                lanes: totals.workersWithoutReport == 0 ? totals.lanes : nil)
        }
        do throws(ExecutionError) {
            // Launch every child first and wait for them after, so that they load in parallel.
            if let forkServer {
                try launchForked(by: forkServer, for: workload, into: &pool, failed: &failedLaunches)
            } else {
                for number in 1...workers {
                    do throws(ExecutionError) {
                        pool.append(try launch(number, for: workload))
                    } catch {
                        failedLaunches += 1
                        throw error
                    }
                }
            }
            for worker in pool {
                try worker.awaitReady(timeoutSeconds: taskTimeoutSeconds)
            }
        } catch {
            ledger.fail(error)
            // No task will run: a worker that broke the start-up gets no grace period.
            pool.forEach { $0.kill() }
            return finish(startupSeconds: Platform.monotonicSeconds() - started)
        }
        let startupSeconds = Platform.monotonicSeconds() - started

        performers = pool.map { ProcessPerformer(worker: $0, pool: self, workload: workload) }
        _ = runDriverThreads(
            performers, ledger: ledger, workload: workload.instance,
            batch: batch.tasksPerClaim(taskCount: workload.taskCount, workers: workers),
            timeline: timeline, pinning: pinning)
        // Replacements are the performers' current workers now.
        pool = performers.map(\.worker)
        return finish(startupSeconds: startupSeconds)
    }
}

/// Sends a driver's tasks to its own worker process, and replaces the worker when it dies.
///
/// Owned by one driver thread while the tasks run and by the pool before and after, never by
/// two threads at once: that is why the unchecked conformance is safe.
final class ProcessPerformer: TaskPerformer, @unchecked Sendable {
    private(set) var worker: WorkerProcess
    /// Workers this performer replaced, kept for their byte counts and final shutdown.
    private(set) var retired: [WorkerProcess] = []
    /// Replacements that could not be launched.
    private(set) var failedLaunches = 0
    let pool: ProcessPoolRunner
    let workload: ConfiguredWorkload

    init(worker: WorkerProcess, pool: ProcessPoolRunner, workload: ConfiguredWorkload) {
        self.worker = worker
        self.pool = pool
        self.workload = workload
    }

    var writesInputsInPlace: Bool { worker.writesInputsInPlace }

    func perform(_ tasks: ArraySlice<PendingTask>, times: inout SpanTimes?, deliver: TaskDelivery) -> Int {
        worker.perform(tasks, timeoutSeconds: pool.taskTimeoutSeconds, times: &times, deliver: deliver)
    }

    func recover(after error: ExecutionError) -> ExecutionError? {
        // A task that threw leaves its worker alive and in step; anything else does not.
        if case .taskFailed = error { return nil }
        worker.kill()
        retired.append(worker)
        retired.last?.shutdown(registry: pool.registry)
        let replacement: WorkerProcess
        do {
            replacement = try pool.launch(worker.number, for: workload)
        } catch {
            failedLaunches += 1
            return error
        }
        do {
            try replacement.awaitReady(timeoutSeconds: pool.taskTimeoutSeconds)
        } catch {
            replacement.kill()
            retired.append(replacement)
            return error
        }
        worker = replacement
        return nil
    }
}
