/// Runs an experiment plan cell by cell and turns each measured repetition into a record.
///
/// Order: for each workload, the warm-ups of all its cells, then its repetitions, by default
/// interleaved across cells (sequential, threads, processes, async, sequential, ...), so that
/// slow drift of a shared machine hits every mode alike. A workload's fixture (a local
/// server) runs from its first cell to its last, and is stopped even when a run ends early.
package struct ExperimentRunner: Sendable {
    package let runID: String
    /// How process mode starts its workers (the running `lab` and its worker arguments).
    package let workerExecutable: WorkerExecutable
    package let registry: ChildProcessRegistry
    /// How long one task may run. In process mode a late task's worker is killed and
    /// replaced; in the other modes a thread cannot be stopped, so `onStuckTask` is called.
    package let taskTimeoutSeconds: Double
    /// Called from a watchdog thread when a task of a sequential, thread or async cell runs
    /// past the timeout; it should write what the run has and end the process.
    package let onStuckTask: @Sendable (_ description: String) -> Void
    /// How many tasks a thread or process driver claims at once.
    package let batch: BatchSize
    /// Whether each repetition records its timeline (spans of its tasks, its lanes' events)
    /// and cuts its wall time into parts. On by default; `lab bench` turns it off to show
    /// what recording costs.
    package let recordsTimelines: Bool
    /// Where the lanes of sequential, thread and process cells run (`--pin`); async cells are
    /// never pinned.
    package let placement: CorePlacement
    /// Where the lanes of pinned cells go (``placement`` made concrete on the machine's
    /// topology when the runner was made); `nil` without a placement.
    let pinning: LanePinning?
    /// How many CPUs this process could use when the runner was made (pinned or not): what
    /// tells an `shm` pool whether its polling sides share cores.
    let coreCount: Int
    /// Polls before a side of an `shm` transport sleeps (`--spin`); `0` sleeps at once.
    package let spinPolls: Int
    /// The fork server of `--start forkserver` cells: started at the first such cell, once
    /// for the run, and stopped when ``run(_:order:measuredBefore:clockOffset:observe:)`` ends.
    private let forkServer = ForkServerSlot()
    /// The `shm` workers' regions, kept from one worker to the next of the same shape for the
    /// run, and let go when ``run(_:order:measuredBefore:clockOffset:observe:)`` ends.
    private let regions = SharedRegionPool()

    package init(
        runID: String, workerExecutable: WorkerExecutable, registry: ChildProcessRegistry = .shared,
        taskTimeoutSeconds: Double = .infinity,
        batch: BatchSize = .fixed(1), recordsTimelines: Bool = true, placement: CorePlacement = .none,
        spinPolls: Int = Transport.defaultSpinPolls,
        onStuckTask: @escaping @Sendable (_ description: String) -> Void = { _ in }
    ) {
        self.spinPolls = spinPolls
        self.recordsTimelines = recordsTimelines
        self.placement = placement
        // Read once: a placement that cannot read them fails its cells (see LanePinning).
        let allowed = (try? Platform.allowedCPUs()) ?? []
        self.pinning =
            placement == .none ? nil : LanePinning(placement: placement, topology: CPUTopology.read(allowed: allowed))
        self.coreCount = allowed.isEmpty ? Platform.activeProcessorCount : allowed.count
        self.runID = runID
        self.workerExecutable = workerExecutable
        self.registry = registry
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.onStuckTask = onStuckTask
        self.batch = batch
    }

    /// Runs the plan. `observe` is called on the calling thread, in order; if it throws, the
    /// run stops there (after stopping the workload's fixture) and the error is rethrown.
    ///
    /// A run that resumes an interrupted one passes what it measured before: a repetition
    /// `measuredBefore` knows is not run again, a workload with nothing left starts no fixture,
    /// and the warm-ups run only for cells with repetitions left. Events count what this call
    /// runs; records keep their place in the whole plan (`position`), and their `startSeconds`
    /// count from `clockOffset` (the seconds between the run's start and this call).
    /// - Returns: every measured record of the plan in its order, those measured before included.
    /// - Throws: what `observe` throws, or what starting a workload's fixture throws.
    @discardableResult
    package func run(
        _ plan: ExperimentPlan, order: RepetitionOrder = .interleaved,
        measuredBefore: (_ cell: Cell, _ repetition: Int) -> RepetitionRecord? = { _, _ in nil },
        clockOffset: Double = 0,
        observe: (ExperimentEvent) throws -> Void
    ) throws -> [RepetitionRecord] {
        var position = 0
        let schedules = plan.workloads.map { configured in
            let schedule = plan.schedule(of: configured, order: order, after: position)
            position += schedule.count
            return schedule
        }
        // Per step: the record measured before, and whether the step runs now (a measured
        // repetition not taken yet, or a warm-up of a cell that has one).
        let steps = schedules.map { schedule -> [(step: ScheduledRepetition, before: RepetitionRecord?, runs: Bool)] in
            let before = schedule.map { $0.isWarmup ? nil : measuredBefore($0.cell, $0.repetition) }
            let cellsLeft = Set(zip(schedule, before).filter { !$0.0.isWarmup && $0.1 == nil }.map { $0.0.cell.label })
            return zip(schedule, before).map { step, before in
                (step, before, step.isWarmup ? cellsLeft.contains(step.cell.label) : before == nil)
            }
        }
        let total = steps.reduce(0) { $0 + $1.filter(\.runs).count }
        var done = 0
        var records: [RepetitionRecord] = []
        let clock = Stopwatch()
        defer {
            forkServer.stop()
            regions.drain()
        }
        for (configured, steps) in zip(plan.workloads, steps) {
            guard steps.contains(where: \.runs) else {
                records += steps.compactMap(\.before)
                continue
            }
            try configured.withFixture { workload in
                for (step, before, runs) in steps {
                    guard runs else {
                        if let before { records.append(before) }
                        continue
                    }
                    let cell = Cell(
                        workload: workload, mode: step.cell.mode, workers: step.cell.workers,
                        transport: step.cell.transport ?? .default,
                        dataset: step.cell.dataset, start: step.cell.start ?? .default)
                    done += 1
                    try observe(
                        .willRun(
                            cell: cell, repetition: step.repetition, isWarmup: step.isWarmup, position: done,
                            total: total))
                    if step.isWarmup {
                        _ = measure(
                            cell, repetition: step.repetition, position: step.position, runClock: clock,
                            clockOffset: clockOffset)
                        continue
                    }
                    let (record, timeline) = measureWithTimeline(
                        cell, repetition: step.repetition, position: step.position, runClock: clock,
                        clockOffset: clockOffset)
                    records.append(record)
                    if let timeline { try observe(.timeline(timeline, of: record)) }
                    try observe(.recorded(record))
                }
            }
        }
        return records
    }

    /// Runs one repetition of a cell and measures it.
    /// - Parameters:
    ///   - position: its place in the run's order, from 1, warm-ups included.
    ///   - runClock: started when the run started (or resumed); gives the record's `startSeconds`.
    ///   - clockOffset: seconds from the run's start to `runClock`'s (0 but in a resumed run).
    package func measure(
        _ cell: Cell, repetition: Int, position: Int = 0, runClock: Stopwatch = Stopwatch(), clockOffset: Double = 0
    ) -> RepetitionRecord {
        measureWithTimeline(
            cell, repetition: repetition, position: position, runClock: runClock, clockOffset: clockOffset
        ).record
    }

    /// ``measure(_:repetition:position:runClock:clockOffset:)``, and the repetition's timeline
    /// when the runner records them.
    package func measureWithTimeline(
        _ cell: Cell, repetition: Int, position: Int = 0, runClock: Stopwatch = Stopwatch(), clockOffset: Double = 0
    ) -> (record: RepetitionRecord, timeline: RepetitionTimeline?) {
        let watch = TaskWatch(slots: cell.workers)
        let recorder = recordsTimelines ? TimelineRecorder(lanes: cell.workers) : nil
        let runner = makeRunner(cell, watch: watch, timeline: recorder)
        var began: UInt64 = 0
        var poolGone: UInt64 = 0
        let tasks = cell.workload.taskCount
        let startSeconds = clockOffset + runClock.elapsedSeconds
        let peakWasReset = Platform.resetPeakResident()
        // Opened on this thread before the pool exists, so that its threads and workers inherit
        // them; async tasks run on threads that exist already, so async cells count nothing.
        let hardware =
            cell.mode == .async || HardwareCounterGroup.unavailableReason != nil
            ? nil : try? HardwareCounterGroup.open()
        // The lanes' speed together, before and after: outside the lab's readings of the
        // machine's load and of its own usage, so that its spin counts in neither.
        let lanes = min(cell.mode == .sequential ? 1 : cell.workers, Platform.activeProcessorCount)
        let togetherBefore = CoreSpeedProbe.lanesTogether(lanes)
        let loadBefore = Platform.machineLoad()
        let fixtureCPUBefore = cell.workload.fixture?.processCPUSeconds
        let loadStarted = Platform.monotonicSeconds()
        let threads = ThreadCountSampler()
        let before = Platform.processUsage()
        let stopwatch = Stopwatch()
        let label = cell.label
        let timeout = taskTimeoutSeconds
        let report = onStuckTask
        // Process mode enforces the timeout itself, by killing the worker.
        let result: ExecutionResult
        do {
            result = try watch.watch(
                timeoutSeconds: cell.mode == .processes ? .infinity : timeout,
                onOverdue: { task, running in
                    report(
                        "task \(task) of \(label) has run for \(running.rounded().shortText) s, past the task timeout "
                            + "of \(timeout.shortText) s; "
                            + "a \(cell.mode == .async ? "task on a cooperative thread" : "thread") cannot be stopped "
                            + "from outside, so the lab stops here (process mode would kill and replace the worker)"
                    )
                }
            ) {
                began = Platform.monotonicNanoseconds()
                defer { poolGone = Platform.monotonicNanoseconds() }
                return runner.run(cell.workload)
            }
        } catch {
            // Without its watchdog the task timeout would be silently off: the cell does not run.
            result = ExecutionResult(
                startupSeconds: 0, tally: TaskTally(), failure: .watchdogFailed(error), failureCount: 1)
        }
        // The wall time runs from asking the runner for the cell until its pool is gone: the
        // watchdog's own thread starts before and stops after, so the lab's bookkeeping is
        // not in what the user is shown (the stopwatch covers a cell that never ran).
        let wallSeconds = began == 0 ? stopwatch.elapsedSeconds : Double(poolGone &- began) / 1e9
        let coordinator = Platform.processUsage().since(before)
        let peakThreads = threads.stop()
        let loadAfter = Platform.machineLoad()
        let togetherAfter = CoreSpeedProbe.lanesTogether(lanes)
        // The larger of the two: each probe already keeps the fastest of its rounds (a moment's
        // interrupt does not count), and a slowdown of the host that starts or ends during the
        // repetition shows in one of them only. (With the smaller, repetitions 1.8x their cell's
        // median read 1.00 on 2026-12-07; a slowdown wholly inside a repetition shows in neither.)
        let lanesTogether = [togetherBefore, togetherAfter].compactMap { $0 }.max()
        // The CPU of the fixture's own processes (download's image server) is the lab's too.
        let fixtureCPUSeconds =
            fixtureCPUBefore.flatMap { start in cell.workload.fixture?.processCPUSeconds.map { max(0, $0 - start) } }
            ?? 0
        // Others' share is of the time between the two readings, the watchdog's start and stop
        // included, not of the shorter wall time.
        let loadSeconds = Platform.monotonicSeconds() - loadStarted
        let workers = result.workers
        // Figures that were not measured are left empty rather than written as 0 (or, for
        // the peak, as the process's lifetime peak).
        // The workers' CPU time, faults and switches are known when the kernel or every
        // worker's own report counted them all; their peak and memory only from the reports.
        let workersCounted = workers.workersWithoutUsage == 0
        let workersReported = workers.workersWithoutReport == 0
        let completed = result.tally.completed
        let fixtureFailure = cell.workload.fixture?.failure.map { "the workload's fixture failed: \($0)" }
        let checksum = result.tally.checksum(ofTasks: tasks)
        let failed = result.failure != nil || checksum == nil || fixtureFailure != nil
        let timeline = recorder.flatMap { began == 0 ? nil : $0.timeline(began: began, poolGone: poolGone) }
        let parts = timeline?.breakdown(wallSeconds: wallSeconds)
        let record = RepetitionRecord(
            runID: runID,
            workload: cell.workload.name,
            kind: cell.workload.type.kind,
            parameters: cell.workload.parameters.canonicalText,
            mode: cell.mode,
            workers: cell.workers,
            tasks: tasks,
            repetition: repetition,
            wallSeconds: wallSeconds,
            startupSeconds: parts?.startupSeconds ?? result.startupSeconds,
            tasksPerSecond: wallSeconds > 0 ? Double(completed) / wallSeconds : 0,
            checksum: failed ? nil : checksum,
            status: failed ? .failed : .ok,
            error: failed
                ? [fixtureFailure, errorText(result, tasks: tasks, completed: completed)].compactMap { $0 }.joined(
                    separator: "; ") : nil,
            coordinatorUserSeconds: coordinator.userSeconds, coordinatorSystemSeconds: coordinator.systemSeconds,
            workersUserSeconds: workersCounted ? workers.usage.userSeconds : nil,
            workersSystemSeconds: workersCounted ? workers.usage.systemSeconds : nil,
            coordinatorMaxResidentKiB: peakWasReset ? coordinator.maxResidentKiB : nil,
            workersMaxResidentKiB: workersReported ? workers.usage.maxResidentKiB : nil,
            bytesToWorkers: workers.bytesToWorkers, bytesFromWorkers: workers.bytesFromWorkers,
            startSeconds: startSeconds, position: position, breakdown: parts,
            placement: placement.applied(to: cell.mode),
            transport: cell.transport, units: result.tally.units, dataset: cell.dataset,
            datasetBytes: cell.workload.dataset?.bytes.count, start: cell.start,
            counters: RepetitionCounters(
                coordinatorMinorFaults: coordinator.minorFaults, coordinatorMajorFaults: coordinator.majorFaults,
                coordinatorVoluntaryContextSwitches: coordinator.voluntaryContextSwitches,
                coordinatorInvoluntaryContextSwitches: coordinator.involuntaryContextSwitches,
                workersMinorFaults: workersCounted ? workers.usage.minorFaults : nil,
                workersMajorFaults: workersCounted ? workers.usage.majorFaults : nil,
                workersVoluntaryContextSwitches: workersCounted ? workers.usage.voluntaryContextSwitches : nil,
                workersInvoluntaryContextSwitches: workersCounted ? workers.usage.involuntaryContextSwitches : nil,
                lanes: cell.mode == .async ? nil : result.lanes, workersMemory: workersReported ? workers.memory : nil,
                hardware: hardware?.read(),
                interference: loadBefore.flatMap { start in
                    loadAfter.flatMap { end in
                        // The lab's own CPU time is known only when every worker's was counted.
                        workersCounted
                            ? Interference(
                                from: start, to: end,
                                labCPUSeconds: coordinator.cpuSeconds + workers.usage.cpuSeconds + fixtureCPUSeconds,
                                seconds: loadSeconds, lanesTogether: lanesTogether)
                            : nil
                    }
                }, coordinatorPeakThreads: peakThreads)
        )
        return (record, timeline)
    }

    /// The first failure, with how many more there were; `nil` when the tasks did not fail.
    private func errorText(_ result: ExecutionResult, tasks: Int, completed: Int) -> String? {
        guard let failure = result.failure else {
            return completed >= tasks
                ? (result.tally.checksum(ofTasks: tasks) == nil ? "a task's outcome came twice, another's never" : nil)
                : "\(tasks - completed) of \(tasks) tasks did not finish"
        }
        let more = result.failureCount - 1
        return more > 0 ? "\(failure); \(more) more failure\(more == 1 ? "" : "s")" : failure.description
    }

    private func makeRunner(_ cell: Cell, watch: TaskWatch, timeline: TimelineRecorder?) -> any TaskRunner {
        let (mode, workers) = (cell.mode, cell.workers)
        let pinning = placement.applied(to: mode) == .none ? nil : self.pinning
        return switch mode {
        case .sequential: SequentialRunner(batch: batch, watch: watch, timeline: timeline, pinning: pinning)
        case .threads:
            ThreadPoolRunner(threads: workers, batch: batch, watch: watch, timeline: timeline, pinning: pinning)
        case .processes: processRunner(cell, timeline: timeline, pinning: pinning)
        case .async: AsyncRunner(inFlight: workers, watch: watch, timeline: timeline)
        }
    }
}

extension ExperimentRunner {
    /// A pool of worker processes for `cell`, forked by the run's fork server when the cell
    /// says so; a cell whose server cannot start gets a runner that fails its tasks.
    private func processRunner(_ cell: Cell, timeline: TimelineRecorder?, pinning: LanePinning?) -> any TaskRunner {
        var server: ForkServer?
        if cell.start == .forkserver {
            switch forkServer.server(command: workerExecutable, registry: registry) {
            case .success(let started): server = started
            case .failure(let error): return WorkerlessRunner(error: error)
            }
        }
        return ProcessPoolRunner(
            workers: cell.workers, command: workerExecutable, registry: registry,
            taskTimeoutSeconds: taskTimeoutSeconds, batch: batch,
            timeline: timeline, pinning: pinning,
            transport: TransportSettings(
                cell.transport ?? .default, spinPolls: spinPolls, lanes: cell.workers,
                cores: placement.coresUsed(lanes: cell.workers, order: pinning?.order ?? [], allowed: coreCount)),
            dataset: cell.dataset ?? .default, forkServer: server, regions: regions)
    }
}

/// A cell whose workers cannot start at all (its fork server did not start): every task fails
/// with that reason, as when spawning fails.
struct WorkerlessRunner: TaskRunner {
    let error: ExecutionError

    func run(_ workload: ConfiguredWorkload) -> ExecutionResult {
        ExecutionResult(startupSeconds: 0, tally: TaskTally(), failure: error, failureCount: 1)
    }
}
