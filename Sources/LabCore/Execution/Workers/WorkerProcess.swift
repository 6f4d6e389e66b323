/// One worker child process (`lab worker`) and its transport (two pipes, a socket pair or a
/// shared-memory region).
///
/// Ownership: the pool creates it on the coordinator's thread, hands it to exactly one driver
/// thread for the tasks, and takes it back after joining that thread for shutdown. It is never
/// used by two threads at once, which is why the unchecked conformance is safe.
final class WorkerProcess: @unchecked Sendable {
    /// 1-based, as shown in errors (`worker 2 ...`).
    let number: Int
    private let child: Child
    /// Where the worker is registered: its pidfd, through which it is signalled.
    private let registry: ChildProcessRegistry
    private let link: any WorkerLink
    /// The shared region of an `shm` worker whose slots are sized for an in-place workload.
    private let slots: SharedRegion?
    /// The shared region of an `shm` worker.
    private let region: SharedRegion?
    /// The run's regions, which get this worker's region back once it is gone.
    private let regions: SharedRegionPool?
    /// The in-place workload whose tasks go through ``slots``, once the setup named it.
    private var inPlace: (any InPlaceWorkload)?
    private var open = true
    /// Bytes written to and read from this worker: frames (headers included) and the bytes
    /// of its slots.
    private(set) var bytesSent = 0
    private(set) var bytesReceived = 0
    /// What the worker reported of itself at the end, if it got that far.
    private(set) var report: WorkerReport?
    /// What the worker used over its whole life, as the kernel counted it, once it is gone
    /// (forked workers only; see ``Child/lifeUsage``): a worker that died without its report
    /// is still counted.
    var lifeUsage: ResourceUsage? { child.lifeUsage }
    /// Whether the finish frame went out.
    private var finishRequested = false
    /// The worker's life on the monotonic clock (nanoseconds), for the timeline: asked for,
    /// ready, asked to finish, gone (`0`: not yet, or never).
    private(set) var spawnRequestedAt: UInt64 = 0
    private(set) var spawnedAt: UInt64 = 0
    private(set) var readyAt: UInt64 = 0
    private(set) var finishRequestedAt: UInt64 = 0
    private(set) var goneAt: UInt64 = 0

    /// A worker's transport made and its setup written, before its child starts: what
    /// ``init(_:child:link:registry:)`` takes once the child runs.
    struct Preparation {
        let number: Int
        let connection: WorkerConnection
        let region: SharedRegion?
        let slots: SharedRegion?
        let inPlace: (any InPlaceWorkload)?
        let regions: SharedRegionPool?
        let setupBytes: Int
        let requestedAt: UInt64

        /// Releases the transport of a worker whose child did not start.
        func abandon() {
            connection.abandon()
        }
    }

    /// Makes worker `number`'s transport (over `shm`, an in-place workload's tasks go through
    /// slots sized for its largest) and writes the setup for `workload` into it: the child
    /// builds the workload as soon as it runs.
    /// - Parameter datasetPath: where the worker maps the workload's dataset from; `nil`: it
    ///   builds its own.
    /// - Parameter regions: where an `shm` worker's region comes from and goes back to;
    ///   `nil` makes one for this worker alone.
    static func prepare(
        number: Int, transport: TransportSettings, regions: SharedRegionPool?, workload: ConfiguredWorkload,
        datasetPath: String?
    ) throws(ExecutionError) -> Preparation {
        let requestedAt = Platform.monotonicNanoseconds()
        let connection: WorkerConnection
        let slotBytes = workload.largestInPlaceBytes
        do {
            connection = try WorkerConnection.make(transport, slotBytes: slotBytes, regions: regions)
        } catch {
            throw .workerStartFailed(
                worker: number, message: "cannot make its \(transport.kind.rawValue) transport: \(error)")
        }
        var region: SharedRegion?
        if case .region(let shared) = connection.end { region = shared }
        let slots = slotBytes == nil ? nil : region
        let setup = WorkerMessage.setup(
            workload: workload.name, parameters: workload.parameters.canonicalText,
            fixtureValues: workload.parameters.fixtureValues,
            taskCount: workload.taskCount, datasetPath: datasetPath ?? ""
        ).frame
        do {
            // Nobody reads it yet, and an empty transport takes a frame this small whole.
            try connection.end.write(setup)
        } catch {
            connection.abandon()
            throw .workerStartFailed(worker: number, message: "cannot write its setup: \(error)")
        }
        return Preparation(
            number: number, connection: connection, region: region, slots: slots,
            inPlace: slots == nil ? nil : workload.instance as? any InPlaceWorkload, regions: regions,
            setupBytes: WireFormat.headerBytes + setup.payload.count, requestedAt: requestedAt)
    }

    /// The worker of `preparation` whose child runs: `child`, talked to through `link`. Closes
    /// the child's ends of the transport, which the child holds now.
    init(_ preparation: Preparation, child: Child, link: any WorkerLink, registry: ChildProcessRegistry) {
        preparation.connection.childDescriptors.forEach(Platform.close)
        number = preparation.number
        self.registry = registry
        region = preparation.region
        slots = preparation.slots
        inPlace = preparation.inPlace
        regions = preparation.regions
        bytesSent = preparation.setupBytes
        spawnRequestedAt = preparation.requestedAt
        (self.child, self.link) = (child, link)
        spawnedAt = Platform.monotonicNanoseconds()
        registry.register(child.processID)
    }

    /// Starts the child, spawned anew or forked by `forkServer`, with the setup for `workload`
    /// already waiting on its transport: the child builds the workload as soon as it runs,
    /// and the caller waits for it to be ready (``awaitReady(timeoutSeconds:)``), so that
    /// several children can load in parallel.
    convenience init(
        number: Int, executablePath: String, arguments: [String], transport: TransportSettings = TransportSettings(),
        registry: ChildProcessRegistry,
        forkServer: ForkServer? = nil, regions: SharedRegionPool? = nil, workload: ConfiguredWorkload,
        datasetPath: String? = nil
    ) throws(ExecutionError) {
        let preparation = try Self.prepare(
            number: number, transport: transport, regions: regions, workload: workload, datasetPath: datasetPath)
        let started: (child: Child, link: any WorkerLink)
        do {
            started = try Child.start(
                worker: number, executablePath: executablePath, arguments: arguments,
                connection: preparation.connection, forkServer: forkServer)
        } catch {
            // Child.start released the transport; the child's ends are still ours.
            preparation.connection.childDescriptors.forEach(Platform.close)
            throw error
        }
        self.init(preparation, child: started.child, link: started.link, registry: registry)
    }

    var processID: Int32 { child.processID }

    /// Waits for the worker's answer to the setup, at most `timeoutSeconds`: a worker whose
    /// workload hangs while it is built is killed, not waited for.
    func awaitReady(timeoutSeconds: Double = .infinity) throws(ExecutionError) {
        let answer: WorkerMessage
        do {
            answer = try receive(task: nil, timeoutSeconds: timeoutSeconds)
        } catch .taskTimedOut {
            throw .workerStartFailed(
                worker: number, message: "not ready after \(timeoutSeconds.shortText) s (the task timeout); killed")
        }
        switch answer {
        case .ready:
            readyAt = Platform.monotonicNanoseconds()
            return
        case .failure(_, let message): throw .workerStartFailed(worker: number, message: message)
        default: throw .workerFailed(worker: number, task: nil, reason: "broke the protocol: expected a ready frame")
        }
    }

    /// Whether its tasks' inputs are written into its input slot (see ``perform(_:timeoutSeconds:times:deliver:)``).
    var writesInputsInPlace: Bool { inPlace != nil }

    /// Sends as many of `tasks` as fit in the link's pipeline bytes (at least one) in one write, then
    /// reads their answers in order; each answer gets `timeoutSeconds` from the one before.
    /// An in-place workload's tasks over `shm` go one at a time through the region's slots.
    /// - Returns: how many tasks were delivered to `deliver`; after a worker failure (death,
    ///   timeout, broken protocol) that failure is the last one delivered.
    func perform(
        _ tasks: ArraySlice<PendingTask>, timeoutSeconds: Double, times: inout SpanTimes?, deliver: TaskDelivery
    ) -> Int {
        if let inPlace, let slots {
            return perform(
                tasks, of: inPlace, in: slots, timeoutSeconds: timeoutSeconds, times: &times, deliver: deliver)
        }
        var sent = tasks.startIndex
        var bytes = 0
        do {
            while sent < tasks.endIndex {
                let frameBytes = WireFormat.headerBytes + 8 + tasks[sent].input.count
                // The request stream is empty when a batch starts (the worker read every earlier
                // task before it answered it), so a batch within the pipeline bytes never blocks.
                if sent > tasks.startIndex, bytes + frameBytes > link.pipelineBytes { break }
                try enqueue(.task(index: tasks[sent].index, input: tasks[sent].input), task: tasks[sent].index)
                if link.publishesEachFrame { try flush(task: tasks[sent].index) }
                bytes += frameBytes
                sent += 1
            }
            try flush(task: tasks[tasks.startIndex].index)
            if times != nil, times?.sent == 0 { times?.sent = Platform.monotonicNanoseconds() }
        } catch {
            deliver(tasks[tasks.startIndex], .failure(error))
            return 1
        }
        for position in tasks.startIndex..<sent {
            let index = tasks[position].index
            let result: Result<TaskOutcome, ExecutionError>
            do throws(ExecutionError) {
                switch try receive(task: index, timeoutSeconds: timeoutSeconds) {
                case .result(let replyIndex, let output, let started, let ended) where replyIndex == index:
                    if times != nil { times?.add(started: started, ended: ended) }
                    result = .success(TaskOutcome(output: output, inputBytes: tasks[position].inputBytes))
                case .failure(let replyIndex, let message) where replyIndex == index:
                    result = .failure(.taskFailed(task: index, message: message))
                default:
                    throw .workerFailed(
                        worker: number, task: index, reason: "broke the protocol: answered with the wrong frame")
                }
            } catch {
                deliver(tasks[position], .failure(error))
                return position - tasks.startIndex + 1
            }
            deliver(tasks[position], result)
        }
        return sent - tasks.startIndex
    }

    /// Performs `tasks` one at a time in place: writes each input into the input slot, sends
    /// a frame that says so, and digests the result where the worker wrote it. The slots hold
    /// one task, so the next input is written only after the last result was read.
    private func perform(
        _ tasks: ArraySlice<PendingTask>, of workload: some InPlaceWorkload, in region: SharedRegion,
        timeoutSeconds: Double,
        times: inout SpanTimes?, deliver: TaskDelivery
    ) -> Int {
        for position in tasks.indices {
            let task = tasks[position]
            let result: Result<TaskOutcome, ExecutionError>
            do throws(ExecutionError) {
                precondition(task.inputBytes <= region.inputSlot.count, "the input slot is sized for the largest input")
                workload.writeInput(
                    forTask: task.index,
                    into: UnsafeMutableRawBufferPointer(rebasing: region.inputSlot[0..<task.inputBytes]))
                try send(.taskInSlot(index: task.index, inputBytes: task.inputBytes), task: task.index)
                bytesSent += task.inputBytes
                if times != nil, times?.sent == 0 { times?.sent = Platform.monotonicNanoseconds() }
                switch try receive(task: task.index, timeoutSeconds: timeoutSeconds) {
                case .resultInSlot(let replyIndex, let output, let resultBytes, let started, let ended)
                where replyIndex == task.index:
                    guard resultBytes <= region.resultSlot.count else {
                        throw .workerFailed(
                            worker: number, task: task.index,
                            reason: "broke the protocol: a result larger than its slot")
                    }
                    bytesReceived += resultBytes
                    if times != nil { times?.add(started: started, ended: ended) }
                    result = .success(
                        TaskOutcome(
                            output: output,
                            result: UnsafeRawBufferPointer(rebasing: region.resultSlot[0..<resultBytes]),
                            inputBytes: task.inputBytes))
                case .failure(let replyIndex, let message) where replyIndex == task.index:
                    result = .failure(.taskFailed(task: task.index, message: message))
                default:
                    throw .workerFailed(
                        worker: number, task: task.index, reason: "broke the protocol: answered with the wrong frame")
                }
            } catch {
                deliver(task, .failure(error))
                return position - tasks.startIndex + 1
            }
            deliver(task, result)
        }
        return tasks.count
    }

    private func send(_ message: WorkerMessage, task: Int?) throws(ExecutionError) {
        try enqueue(message, task: task)
        try flush(task: task)
    }

    private func enqueue(_ message: WorkerMessage, task: Int?) throws(ExecutionError) {
        let (kind, body, trailer) = message.parts
        do {
            try link.enqueue(kind: kind, body: body, trailer: trailer)
            bytesSent += WireFormat.headerBytes + body.count + trailer.byteCount
        } catch {
            throw .workerFailed(
                worker: number, task: task, reason: exitDescription(fallback: "closed its pipe (\(error))"))
        }
    }

    private func flush(task: Int?) throws(ExecutionError) {
        do {
            try link.flush()
        } catch {
            throw .workerFailed(
                worker: number, task: task, reason: exitDescription(fallback: "closed its pipe (\(error))"))
        }
    }

    /// Reads the worker's next message, waiting at most `timeoutSeconds` for it; a worker that
    /// takes longer is killed, and the wait ends in ``ExecutionError/taskTimedOut(worker:task:seconds:)``.
    private func receive(task: Int?, timeoutSeconds: Double = .infinity) throws(ExecutionError) -> WorkerMessage {
        let deadline = timeoutSeconds.isFinite ? Platform.monotonicSeconds() + timeoutSeconds : .infinity
        do {
            guard let frame = try link.readFrame(deadline: deadline) else {
                throw ExecutionError.workerFailed(
                    worker: number, task: task, reason: exitDescription(fallback: "closed its pipe"))
            }
            bytesReceived += WireFormat.headerBytes + frame.payload.count
            return try WorkerMessage(frame: consume frame)
        } catch let error as ExecutionError {
            throw error
        } catch is ReadDeadlinePassed {
            kill()
            throw .taskTimedOut(worker: number, task: task ?? -1, seconds: timeoutSeconds)
        } catch {
            throw .workerFailed(worker: number, task: task, reason: "broke the protocol: \(error)")
        }
    }

    /// How the worker ended, once it has: `exited with status 3`, `killed by signal 9 (SIGKILL)`.
    private func exitDescription(fallback: String) -> String {
        guard waitForExit(seconds: 1) else { return fallback }
        return child.exitDescription ?? fallback
    }

    /// Waits until the child has been reaped, at most `seconds`; returns whether it was.
    @discardableResult
    private func waitForExit(seconds: Double) -> Bool {
        Platform.wait(seconds: seconds, while: { child.isRunning })
    }

    /// Kills the worker at once (SIGKILL, through its pidfd); ``shutdown(registry:graceSeconds:)``
    /// still reaps it.
    func kill() {
        guard child.isRunning else { return }
        registry.kill(child.processID)
    }

    /// Asks a live worker to report its usage and exit, without waiting for it: a pool asks
    /// all its workers first and then shuts each down, so that they wind down together.
    func requestFinish() {
        guard open, !finishRequested, child.isRunning else { return }
        finishRequestedAt = Platform.monotonicNanoseconds()
        finishRequested = (try? send(.finish, task: nil)) != nil
    }

    /// Ends the session: ends the request stream so the worker exits, waits for it (killing it
    /// if it does not go within `graceSeconds`), and releases the transport.
    func shutdown(registry: ChildProcessRegistry, graceSeconds: Double = 2) {
        requestFinish()
        guard open else { return }
        open = false
        // A live worker reports its own CPU time and peak memory before it goes; a dead one
        // simply fails this exchange.
        if finishRequested {
            // A worker that does not answer in time is not waited for.
            if case .usage(let report)? = try? receive(task: nil, timeoutSeconds: graceSeconds) { self.report = report }
        }
        link.endRequests()
        if !waitForExit(seconds: graceSeconds) {
            registry.kill(child.processID)
            waitForExit(seconds: .infinity)
        }
        goneAt = Platform.monotonicNanoseconds()
        link.close()
        registry.unregister(child.processID)
        // The worker is gone: no process maps its region but this one.
        if let region { regions?.give(region) }
    }
}
